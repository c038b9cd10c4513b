import { sql } from 'drizzle-orm';
import { forgetBlobs } from '../../db/blobs';
import { type Queryable, queryRows } from '../../db/client';
import { clock } from '../clock';

/**
 * Retention: deletes every blob that no job needs any more and that was stored (or stored again)
 * more than `retentionSeconds` ago. A job needs its blobs — job inputs, shard inputs, replica
 * results, assembled output — while it is queued or running and for `retentionSeconds` after it
 * ended (completed, failed or cancelled), so its submitter can still download the result. A blob
 * shared by several jobs lives as long as the longest-lived of them.
 *
 * Idempotent and safe from several processes: `putBlobs` touches a reused blob older than half the
 * period under its row lock (a younger one cannot reach the cutoff first), so a transaction still
 * storing a job can never lose a blob to the sweep. Returns what it deleted.
 */
export async function deleteUnneededBlobs(
  db: Queryable,
  options: { retentionSeconds: number; limit?: number },
): Promise<{ deleted: string[] }> {
  const cutoff = new Date(clock.now().getTime() - options.retentionSeconds * 1000);
  const rows = await queryRows<{ sha256: string }>(
    db,
    sql`
    WITH live AS (
      SELECT id, inputs, result_sha256 FROM jobs
      WHERE status IN ('queued', 'running') OR finished_at IS NULL OR finished_at > ${cutoff}
    ), needed AS (
      SELECT e.value AS sha256 FROM live, jsonb_each_text(live.inputs) e
      UNION SELECT result_sha256 FROM live WHERE result_sha256 IS NOT NULL
      UNION SELECT i->>'sha256' FROM shards s JOIN live ON live.id = s.job_id, jsonb_array_elements(s.inputs) i
      UNION SELECT r.sha256 FROM results r JOIN shards s ON s.id = r.shard_id JOIN live ON live.id = s.job_id
    ), doomed AS (
      SELECT b.sha256 FROM blobs b
      WHERE b.created_at < ${cutoff} AND NOT EXISTS (SELECT 1 FROM needed n WHERE n.sha256 = b.sha256)
      ORDER BY b.created_at
      LIMIT ${options.limit ?? 10_000}
      FOR UPDATE OF b SKIP LOCKED
    )
    DELETE FROM blobs WHERE sha256 IN (SELECT sha256 FROM doomed) AND created_at < ${cutoff}
    RETURNING sha256
  `,
  );
  const deleted = rows.map((r) => r.sha256);
  forgetBlobs(deleted);
  return { deleted };
}
