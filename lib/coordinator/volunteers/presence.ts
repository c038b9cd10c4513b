import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { clock } from '../clock';

/**
 * Who is donating now: volunteers that asked for work lately. A volunteer with nothing it may lease
 * (every open shard already has its result, as with one volunteer on a quorum job) still polls
 * `POST /leases` every few seconds but creates no lease row, so only its requests show that it is
 * donating. The time is kept in `volunteers.last_seen_at`, so every coordinator process sees every
 * volunteer; each process writes a volunteer's row at most once per `PRESENCE_WRITE_MS`, so polling
 * costs no write per request. `getJobActivity` adds every holder of a live lease.
 */

/** Volunteers count as donating for this long after their last lease request. */
export const PRESENCE_WINDOW_MS = 30_000;
/** A volunteer's `last_seen_at` is written at most this often by one process (well inside the window). */
export const PRESENCE_WRITE_MS = 10_000;

const lastWritten = new Map<string, number>();

/** Whether this process should write `volunteerId`'s presence now (and notes that it will). */
export function presenceWriteDue(volunteerId: string, at: number): boolean {
  const last = lastWritten.get(volunteerId);
  if (last !== undefined && at - last < PRESENCE_WRITE_MS) return false;
  lastWritten.set(volunteerId, at);
  // Prune now and then, so the map holds about one window of volunteers.
  if (lastWritten.size % 256 === 0) {
    for (const [id, written] of lastWritten) if (written < at - PRESENCE_WINDOW_MS) lastWritten.delete(id);
  }
  return true;
}

/** Notes that `volunteerId` asked for work now. */
export async function notePresence(
  db: Queryable,
  volunteerId: string,
  now: Date = clock.now(),
): Promise<void> {
  if (!presenceWriteDue(volunteerId, now.getTime())) return;
  await db.execute(sql`UPDATE volunteers SET last_seen_at = ${now} WHERE id = ${volunteerId}::uuid`);
}

/** Volunteers that asked any coordinator process for work within the window ending at `now`. */
export async function presentVolunteers(db: Queryable, now: Date = clock.now()): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM volunteers WHERE last_seen_at > ${new Date(now.getTime() - PRESENCE_WINDOW_MS)}`,
  );
  return new Set(rows.map((r) => r.id));
}

/** Forgets what this process wrote (tests: a second process knows nothing of the first's writes). */
export function forgetPresenceWrites(): void {
  lastWritten.clear();
}
