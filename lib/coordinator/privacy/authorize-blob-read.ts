import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import type { JobVisibility } from '../../db/schema';
import { ApiError } from '../../errors';
import { clock } from '../clock';

/** Who asks for a blob: a Bearer volunteer and/or the lease named in the blob URL (`?lease=`). */
export interface BlobReader {
  volunteerId?: string;
  leaseId?: string;
}

/**
 * Whether `reader` may read blob `sha`, and how the answer may be cached:
 * - `public`: some public job stored these bytes (input, shard input, replica result or output);
 *   anyone may read them and caches may keep them.
 * - `private`: only private jobs need them, and the reader is the submitter of one of those jobs or
 *   holds a live lease on a shard whose inputs name them; nothing may keep a shared copy.
 *
 * Everything else — a stranger asking for a private job's bytes, an expired lease, a blob no job
 * needs — is the same 404 as a blob that does not exist, so a hash reveals nothing. The decision is
 * made from committed database rows on every request, never from the in-process blob cache.
 */
export async function authorizeBlobRead(
  db: Queryable,
  sha: string,
  reader: BlobReader,
): Promise<JobVisibility> {
  const now = clock.now();
  const needle = JSON.stringify([{ sha256: sha }]);
  // A live lease whose shard needs the blob: the hot path of every volunteer, one indexed row.
  const leaseHeld = (where: ReturnType<typeof sql>) => sql`
    SELECT j.visibility FROM leases l
    JOIN shards s ON s.id = l.shard_id JOIN jobs j ON j.id = l.job_id
    WHERE ${where} AND l.state = 'active' AND l.deadline > ${now} AND s.inputs @> ${needle}::jsonb
    LIMIT 1`;
  if (reader.leaseId) {
    const [row] = await queryRows<{ visibility: JobVisibility }>(
      db,
      leaseHeld(sql`l.id = ${reader.leaseId}::uuid`),
    );
    if (row) return row.visibility;
  }
  const owners = await queryRows<{ visibility: JobVisibility; owner_id: string }>(
    db,
    sql`
    SELECT j.visibility, j.owner_id FROM jobs j
      WHERE j.result_sha256 = ${sha}
        OR EXISTS (SELECT 1 FROM jsonb_each_text(j.inputs) e WHERE e.value = ${sha})
    UNION
    SELECT j.visibility, j.owner_id FROM shards s JOIN jobs j ON j.id = s.job_id
      WHERE s.inputs @> ${needle}::jsonb
    UNION
    SELECT j.visibility, j.owner_id FROM results r JOIN shards s ON s.id = r.shard_id JOIN jobs j ON j.id = s.job_id
      WHERE r.sha256 = ${sha}
  `,
  );
  if (owners.some((o) => o.visibility === 'public')) return 'public';
  if (reader.volunteerId) {
    if (owners.some((o) => o.owner_id === reader.volunteerId)) return 'private';
    const [row] = await queryRows<{ visibility: JobVisibility }>(
      db,
      leaseHeld(sql`l.volunteer_id = ${reader.volunteerId}::uuid`),
    );
    if (row) return 'private';
  }
  throw new ApiError('not_found', `No blob ${sha}.`);
}
