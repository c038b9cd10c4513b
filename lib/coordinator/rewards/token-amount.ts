import { ApiError } from '../../errors';

/**
 * The largest amount the ledger credits: the token keeps balances, claimed totals and its supply in
 * 128 bits, so anything at or above 2¹²⁸ could never be paid. Refused when credited, not at claim time.
 */
export const maxTokenAmount = 2n ** 128n - 1n;

/**
 * Parses a decimal string of token units (10⁻¹⁸ CYCLE) from a client: digits only, at most
 * `maxTokenAmount`, and above zero unless `allowZero`.
 *
 * @throws ApiError `invalid_request` naming `field`.
 */
export function parseTokenAmount(
  value: string,
  field: string,
  options: { allowZero?: boolean } = {},
): bigint {
  if (!/^[0-9]{1,39}$/.test(value)) {
    throw new ApiError(
      'invalid_request',
      `${field}: must be a decimal string of token units (10^-18 CYCLE), e.g. "1000000000000000000" for 1 CYCLE.`,
      field,
    );
  }
  const amount = BigInt(value);
  if (amount > maxTokenAmount) {
    throw new ApiError('invalid_request', `${field}: must be below 2^128 token units.`, field);
  }
  if (amount === 0n && !options.allowZero) {
    throw new ApiError('invalid_request', `${field}: must be above zero.`, field);
  }
  return amount;
}
