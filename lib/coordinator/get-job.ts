import { desc, eq, inArray, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/client';
import { blobs, jobs } from '../db/schema';
import { ApiError } from '../errors';
import type { JobSummary } from '../protocol/jobs';
import { clock } from './clock';
import { getJobPayments } from './rewards/get-job-payments';

type JobRow = typeof jobs.$inferSelect;

async function toSummaries(db: Queryable, rows: JobRow[]): Promise<JobSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const now = clock.now();
  const running = await queryRows<{ job_id: string; n: number }>(
    db,
    sql`
    SELECT job_id, count(DISTINCT shard_id)::int AS n FROM leases
    WHERE job_id IN (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}) AND state = 'active' AND deadline > ${now}
    GROUP BY job_id
  `,
  );
  const runningByJob = new Map(running.map((r) => [r.job_id, Number(r.n)]));
  const resultShas = rows.map((r) => r.resultSha256).filter((s): s is string => s !== null);
  const sizes = resultShas.length
    ? await db
        .select({ sha: blobs.sha256, size: blobs.size })
        .from(blobs)
        .where(inArray(blobs.sha256, resultShas))
    : [];
  const sizeBySha = new Map(sizes.map((s) => [s.sha, s.size]));
  const payments = await getJobPayments(db, ids);
  return rows.map((job) => ({
    jobId: job.id,
    kernel: job.kernel,
    title: job.title,
    status: job.status,
    params: job.params,
    replication: { min: job.replicationMin, max: job.replicationMax },
    progress: {
      total: job.shardsTotal,
      verified: job.shardsVerified,
      failed: job.shardsFailed,
      running: runningByJob.get(job.id) ?? 0,
    },
    payment: payments.get(job.id) ?? null,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    result:
      job.status === 'completed' && job.resultSha256
        ? {
            url: `/api/v1/jobs/${job.id}/result`,
            contentType: job.resultContentType ?? 'application/octet-stream',
            filename: job.resultFilename ?? 'result.bin',
            bytes: sizeBySha.get(job.resultSha256) ?? 0,
          }
        : null,
  }));
}

/** Status and progress of one job, or 404. */
export async function getJob(db: Queryable, jobId: string): Promise<JobSummary> {
  const rows = await db.select().from(jobs).where(eq(jobs.id, jobId));
  const [summary] = await toSummaries(db, rows);
  if (!summary) throw new ApiError('not_found', `No job ${jobId}.`);
  return summary;
}

/** The most recent jobs first. */
export async function listJobs(db: Queryable, options: { limit: number }): Promise<JobSummary[]> {
  const rows = await db.select().from(jobs).orderBy(desc(jobs.createdAt)).limit(options.limit);
  return toSummaries(db, rows);
}
