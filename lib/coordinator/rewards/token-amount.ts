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

/**
 * The exact decimal text of a work-unit count as stored (a float8): JavaScript's shortest
 * round-trip form with any exponent expanded, so `1e-7` becomes `0.0000001`.
 */
export function decimalWorkUnits(workUnits: number): string {
  if (!Number.isFinite(workUnits) || workUnits < 0) {
    throw new RangeError(`work units must be a finite non-negative number, got ${workUnits}`);
  }
  const text = String(workUnits);
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const digits = match[1]! + (match[2] ?? '');
  const point = match[1]!.length + Number(match[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * What one result of `workUnits` costs at `price` token units per work unit: `floor(price × workUnits)`,
 * exactly (bigint arithmetic on the decimal text). Rounding down means nobody pays or earns more
 * than the price says, and the sum of per-result costs never exceeds the reservation.
 *
 * @example
 * workUnitsCost(0.004096, 10n ** 15n); // 4096000000000n
 */
export function workUnitsCost(workUnits: number, price: bigint): bigint {
  const [whole, fraction = ''] = decimalWorkUnits(workUnits).split('.');
  return (BigInt(whole! + fraction) * price) / 10n ** BigInt(fraction.length);
}

/** The protocol fee on `amount` at `feeBps` basis points, rounded down. */
export function protocolFee(amount: bigint, feeBps: number): bigint {
  return (amount * BigInt(feeBps)) / 10_000n;
}
