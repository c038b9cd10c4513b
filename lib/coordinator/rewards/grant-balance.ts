import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import { getAccountBalance } from './account-balance';
import { maxTokenAmount } from './token-amount';

/** Serializes grants so the per-epoch cap holds across coordinator processes. */
const grantLockKey = 727_276;

export interface GrantResult {
  grantId: string;
  address: string;
  amount: string;
  /** The account's balance after the grant. */
  balance: string;
  /** What operators may still grant before the next epoch. */
  remainingThisEpoch: string;
}

/**
 * An operator grant: adds `amount` to `address`'s balance, to be minted by the distributor with
 * the next published root. Grants not yet in an epoch may total at most `capPerEpoch`, and the
 * token's 128-bit bound is checked now, so an amount that could never be minted is refused here.
 *
 * @throws ApiError 409 `grant_cap_exceeded` saying what is left this epoch.
 */
export async function grantBalance(
  db: Db,
  input: { address: string; amount: bigint },
  capPerEpoch: bigint,
): Promise<GrantResult> {
  const address = input.address.toLowerCase();
  const grantId = randomUUID();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${grantLockKey})`);
    const [row] = await queryRows<{ pending: string; funds: string }>(
      tx,
      sql`SELECT
            COALESCE(sum(amount) FILTER (WHERE kind = 'grant' AND epoch IS NULL), 0)::text AS pending,
            COALESCE(sum(amount) FILTER (WHERE kind IN ('grant', 'deposit')), 0)::text AS funds
          FROM ledger_entries WHERE kind IN ('grant', 'deposit')`,
    );
    const pending = BigInt(row!.pending);
    if (pending + input.amount > capPerEpoch) {
      const left = capPerEpoch > pending ? capPerEpoch - pending : 0n;
      throw new ApiError(
        'grant_cap_exceeded',
        `Grants are capped at ${capPerEpoch} token units per epoch (GRANT_CAP_PER_EPOCH); ${left} are left until the next epoch is published.`,
        'amount',
        { remaining: left.toString() },
      );
    }
    if (BigInt(row!.funds) + input.amount > maxTokenAmount) {
      throw new ApiError(
        'invalid_request',
        'amount: the token supply would pass 2^128 token units.',
        'amount',
      );
    }
    await tx.execute(sql`
      INSERT INTO ledger_entries (key, kind, address, amount)
      VALUES (${`grant:${grantId}`}, 'grant', ${address}, ${input.amount.toString()}::numeric)`);
    const { balance } = await getAccountBalance(tx, address);
    return {
      grantId,
      address,
      amount: input.amount.toString(),
      balance: balance.toString(),
      remainingThisEpoch: (capPerEpoch - pending - input.amount).toString(),
    };
  });
}
