import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import type { VolunteerMoney } from '../../protocol/volunteers';
import { getAccountBalance } from './account-balance';

/**
 * A volunteer's money, apart from its credit: what it earned from paid work (token units, after
 * fees) and, once a wallet is linked, that account's balance for paying jobs.
 */
export async function getVolunteerMoney(
  db: Queryable,
  volunteerId: string,
  address: string | null,
): Promise<VolunteerMoney> {
  const [row] = await queryRows<{ earnings: string }>(
    db,
    sql`SELECT COALESCE(sum(amount), 0)::text AS earnings FROM ledger_entries
        WHERE volunteer_id = ${volunteerId}::uuid AND kind = 'payment'`,
  );
  const account = address ? await getAccountBalance(db, address) : null;
  return {
    earnings: row!.earnings,
    balance: account ? account.balance.toString() : '0',
    reserved: account ? account.reserved.toString() : '0',
    funds: account
      ? {
          deposited: account.deposited.toString(),
          granted: account.granted.toString(),
          withdrawn: account.withdrawn.toString(),
          spent: account.spent.toString(),
        }
      : null,
  };
}
