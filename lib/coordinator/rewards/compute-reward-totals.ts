import { type SQL, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';

/**
 * What every address may claim in total, token units: the cumulative amounts of the next epoch's
 * tree (before the never-decrease rule). An address's amount is
 *
 *   earnings of every volunteer linked to it (payments for verified results of *paid* jobs)
 *   + protocol fees when it is the treasury
 *   + its withdrawals (balance moved out to claim).
 *
 * Credit (work units) earns nothing here: only work someone paid for does, so submitting a job
 * and computing it oneself can never create tokens. Several volunteers may link to one address;
 * earnings before linking count. Addresses whose amount is zero are left out.
 *
 * @param only Restricts the sum to one (lower-case) address.
 */
export async function computeRewardTotals(db: Queryable, only?: string): Promise<Map<string, bigint>> {
  const filter: SQL = only ? sql`WHERE x.address = ${only}` : sql`WHERE x.address IS NOT NULL`;
  const rows = await queryRows<{ address: string; amount: string }>(
    db,
    sql`
    SELECT x.address, sum(x.amount)::text AS amount FROM (
      SELECT v.address, e.amount FROM ledger_entries e JOIN volunteers v ON v.id = e.volunteer_id
        WHERE e.kind = 'payment'
      UNION ALL
      SELECT e.address, e.amount FROM ledger_entries e WHERE e.kind IN ('fee', 'withdrawal')
    ) x
    ${filter}
    GROUP BY x.address
  `,
  );
  const totals = new Map<string, bigint>();
  for (const row of rows) {
    const amount = BigInt(row.amount);
    if (amount > 0n) totals.set(row.address, amount);
  }
  return totals;
}
