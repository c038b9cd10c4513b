import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import { getAccountBalance, lockAccount } from './account-balance';

export interface WithdrawalResult {
  withdrawalId: string;
  address: string;
  amount: string;
  /** The balance left. */
  balance: string;
}

/**
 * Moves `amount` of the caller's unreserved balance to what its linked wallet can claim: it joins
 * the wallet's cumulative amount in the next epoch's tree (leaf = earnings + withdrawals). The
 * account is locked while the balance is checked, so a withdrawal and a job reservation cannot
 * both spend the same tokens.
 *
 * @throws ApiError 409 `wallet_required` without a linked wallet; 402 `insufficient_funds` with
 * `missing` when the unreserved balance is short.
 */
export async function withdrawBalance(
  db: Db,
  volunteerId: string,
  amount: bigint,
): Promise<WithdrawalResult> {
  const withdrawalId = randomUUID();
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ address: string | null }>(
      tx,
      sql`SELECT address FROM volunteers WHERE id = ${volunteerId}::uuid`,
    );
    const address = row?.address;
    if (!address) {
      throw new ApiError(
        'wallet_required',
        'Link a wallet (Sign-In with Ethereum on /rewards) first: withdrawals are paid to the linked wallet.',
      );
    }
    await lockAccount(tx, address);
    const { balance } = await getAccountBalance(tx, address);
    if (balance < amount) {
      throw new ApiError(
        'insufficient_funds',
        `The unreserved balance of ${address} is ${balance} token units; withdraw at most that.`,
        'amount',
        { missing: (amount - balance).toString(), balance: balance.toString() },
      );
    }
    await tx.execute(sql`
      INSERT INTO ledger_entries (key, kind, address, amount)
      VALUES (${`withdrawal:${withdrawalId}`}, 'withdrawal', ${address}, ${amount.toString()}::numeric)`);
    return { withdrawalId, address, amount: amount.toString(), balance: (balance - amount).toString() };
  });
}
