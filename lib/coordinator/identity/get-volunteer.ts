import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import type { VolunteerMe } from '../../protocol/volunteers';
import { getVolunteerMoney } from '../rewards/get-volunteer-money';

/**
 * A volunteer's own view: credit pending and verified (work units), shards done and rejected,
 * linked wallet, and apart from credit its money: earnings, balance and reserved (token units).
 */
export async function getVolunteer(db: Queryable, volunteerId: string): Promise<VolunteerMe> {
  const rows = await queryRows<{
    id: string;
    site: string | null;
    address: string | null;
    shards_done: number;
    shards_rejected: number;
    verified: number | string | null;
    pending: number | string | null;
  }>(
    db,
    sql`
    SELECT v.id, v.site, v.address, v.shards_done, v.shards_rejected,
      (SELECT sum(c.work_units) FROM credits c WHERE c.volunteer_id = v.id) AS verified,
      (SELECT sum(s.work_units) FROM results r JOIN shards s ON s.id = r.shard_id
        WHERE r.volunteer_id = v.id AND r.status = 'pending' AND s.status = 'pending') AS pending
    FROM volunteers v WHERE v.id = ${volunteerId}::uuid
  `,
  );
  const row = rows[0];
  if (!row) throw new Error(`volunteer ${volunteerId} vanished`);
  return {
    ...(await getVolunteerMoney(db, row.id, row.address)),
    volunteerId: row.id,
    site: row.site,
    address: row.address,
    credit: { pending: Number(row.pending ?? 0), verified: Number(row.verified ?? 0) },
    shardsDone: Number(row.shards_done),
    shardsRejected: Number(row.shards_rejected),
  };
}
