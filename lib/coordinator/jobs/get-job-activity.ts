import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import type { JobActivity } from '../../protocol/job-activity';
import { clock } from '../clock';
import { presentVolunteers } from '../volunteers/presence';

/** "Recent" means the last five minutes: long enough to span a volunteer's idle polling. */
export const ACTIVITY_WINDOW_SECONDS = 300;

/**
 * What job `jobId` is waiting for: volunteers active, the queue ahead of it, and its shards that
 * have results but no quorum yet. Reads only (a few aggregate queries over indexed columns).
 * @example
 * const a = await getJobActivity(db, jobId);
 * if (a.job.quorum > a.volunteersActive) say(`needs ${a.job.quorum} different volunteers per shard`);
 */
export async function getJobActivity(db: Queryable, jobId: string): Promise<JobActivity> {
  const now = clock.now();
  const since = new Date(now.getTime() - ACTIVITY_WINDOW_SECONDS * 1000);
  const [job] = await queryRows<{ created_at: Date | string; replication_min: number }>(
    db,
    sql`SELECT created_at, replication_min FROM jobs WHERE id = ${jobId}::uuid`,
  );
  if (!job) throw new ApiError('not_found', `No job ${jobId}.`);
  const createdAt = new Date(job.created_at);

  // Donating now: asked any coordinator process for work lately (even with nothing to lease), or
  // holds a live lease.
  const holders = await queryRows<{ volunteer_id: string }>(
    db,
    sql`SELECT DISTINCT volunteer_id FROM leases WHERE state = 'active' AND deadline > ${now}`,
  );
  const donating = await presentVolunteers(db, now);
  for (const row of holders) donating.add(row.volunteer_id);
  const [queue] = await queryRows<{ shards: number; jobs_ahead: number }>(
    db,
    sql`SELECT
          (SELECT count(*)::int FROM shards s JOIN jobs j ON j.id = s.job_id
             WHERE s.status = 'pending' AND j.status IN ('queued', 'running')) AS shards,
          (SELECT count(*)::int FROM jobs
             WHERE status IN ('queued', 'running') AND created_at < ${createdAt} AND id <> ${jobId}::uuid) AS jobs_ahead`,
  );
  const [shards] = await queryRows<{ quorum: number | null; awaiting: number }>(
    db,
    sql`SELECT max(quorum)::int AS quorum,
               count(*) FILTER (WHERE results_count > 0)::int AS awaiting
        FROM shards WHERE job_id = ${jobId}::uuid AND status = 'pending'`,
  );
  const [contributed] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(DISTINCT r.volunteer_id)::int AS n FROM results r
        JOIN shards s ON s.id = r.shard_id WHERE s.job_id = ${jobId}::uuid`,
  );
  const [recent] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(DISTINCT r.shard_id)::int AS n FROM credits c JOIN results r ON r.id = c.result_id
        WHERE c.job_id = ${jobId}::uuid AND c.created_at > ${since}`,
  );
  const [lastLease] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`SELECT max(created_at) AS at FROM leases WHERE job_id = ${jobId}::uuid`,
  );
  return {
    windowSeconds: ACTIVITY_WINDOW_SECONDS,
    volunteersActive: donating.size,
    queue: { shardsWaiting: Number(queue?.shards ?? 0), jobsAhead: Number(queue?.jobs_ahead ?? 0) },
    job: {
      quorum: Number(shards?.quorum ?? job.replication_min),
      shardsAwaitingAgreement: Number(shards?.awaiting ?? 0),
      volunteersContributed: Number(contributed?.n ?? 0),
      shardsVerifiedRecently: Number(recent?.n ?? 0),
      lastLeaseAt: lastLease?.at ? new Date(lastLease.at).toISOString() : null,
    },
  };
}
