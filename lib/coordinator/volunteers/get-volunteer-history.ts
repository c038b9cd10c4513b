import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import type { VolunteerHistory } from '../../protocol/volunteer-history';
import { clock } from '../clock';

/** The donor's chart covers a month. */
export const HISTORY_DAYS = 30;

/**
 * Verified credit per UTC day over the last `HISTORY_DAYS` days for one volunteer, from the credit
 * ledger (one row per verified result), oldest first.
 * @example await getVolunteerHistory(db, volunteerId) // {days: [{day: '2026-11-28', workUnits: 12.5, results: 40}]}
 */
export async function getVolunteerHistory(db: Queryable, volunteerId: string): Promise<VolunteerHistory> {
  const since = new Date(clock.now().getTime() - HISTORY_DAYS * 24 * 3600 * 1000);
  const rows = await queryRows<{ day: string; work_units: number | string; results: number | string }>(
    db,
    sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
               sum(work_units) AS work_units, count(*) AS results
        FROM credits WHERE volunteer_id = ${volunteerId}::uuid AND created_at >= ${since}
        GROUP BY 1 ORDER BY 1`,
  );
  return {
    days: rows.map((row) => ({
      day: row.day,
      workUnits: Number(row.work_units),
      results: Number(row.results),
    })),
  };
}
