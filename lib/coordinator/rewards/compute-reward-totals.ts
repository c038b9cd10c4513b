import { type SQL, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { rewardTokenUnits } from './reward-token-units';

/**
 * Verified credit of every wallet-linked volunteer, summed per address and converted to token
 * units at `rate`: the cumulative amounts of the next epoch's tree (before the never-decrease rule).
 *
 * Several volunteers (browsers, devices) may link to one address: their credit adds up. Credit
 * earned before linking counts, since the ledger row belongs to the volunteer, not to the wallet.
 * Addresses whose amount rounds to zero are left out (a zero leaf could never be claimed).
 *
 * @param only Restricts the sum to one (lower-case) address.
 */
export async function computeRewardTotals(
  db: Queryable,
  rate: bigint,
  only?: string,
): Promise<Map<string, bigint>> {
  const filter: SQL = only ? sql`v.address = ${only}` : sql`v.address IS NOT NULL`;
  // work_units::numeric per row, then a numeric sum: exact and independent of row order.
  const rows = await queryRows<{ address: string; work_units: string }>(
    db,
    sql`
    SELECT v.address, sum(c.work_units::numeric)::text AS work_units
    FROM credits c JOIN volunteers v ON v.id = c.volunteer_id
    WHERE ${filter}
    GROUP BY v.address
  `,
  );
  const totals = new Map<string, bigint>();
  for (const row of rows) {
    const amount = rewardTokenUnits(row.work_units, rate);
    if (amount > 0n) totals.set(row.address, amount);
  }
  return totals;
}
