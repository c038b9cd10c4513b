import { desc, eq, inArray, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { blobs, jobs } from '../../db/schema';
import { ApiError } from '../../errors';
import type { JobSummary } from '../../protocol/jobs';
import { clock } from '../clock';
import { type JobPaymentColumns, jobPaymentSummary } from '../rewards/job-payment-summary';

type JobRow = typeof jobs.$inferSelect;

/** Who looks at a job: its submitter sees everything, anyone else no params or title of a private job. */
export interface JobViewer {
  volunteerId?: string;
}

async function toSummaries(db: Queryable, rows: JobRow[], viewer: JobViewer): Promise<JobSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const now = clock.now();
  // Per job: shards with a live lease, and a paid job's payment row (all null when unpaid).
  const extras = await queryRows<{ job_id: string; n: number } & JobPaymentColumns>(
    db,
    sql`
    SELECT ids.id AS job_id,
      (SELECT count(DISTINCT l.shard_id) FROM leases l
        WHERE l.job_id = ids.id AND l.state = 'active' AND l.deadline > ${now})::int AS n,
      p.price_per_work_unit::text AS price, p.reserved::text AS reserved, p.spent::text AS spent,
      p.refunded::text AS refunded, p.status AS payment_status, p.fee_bps
    FROM (VALUES ${sql.join(
      ids.map((id) => sql`(${id}::uuid)`),
      sql`, `,
    )}) AS ids(id)
    LEFT JOIN job_payments p ON p.job_id = ids.id
  `,
  );
  const extrasByJob = new Map(extras.map((r) => [r.job_id, r]));
  const resultShas = rows.map((r) => r.resultSha256).filter((s): s is string => s !== null);
  const sizes = resultShas.length
    ? await db
        .select({ sha: blobs.sha256, size: blobs.size })
        .from(blobs)
        .where(inArray(blobs.sha256, resultShas))
    : [];
  const sizeBySha = new Map(sizes.map((s) => [s.sha, s.size]));
  return rows.map((job) => {
    const shown = job.visibility === 'public' || job.ownerId === viewer.volunteerId;
    return {
      jobId: job.id,
      kernel: job.kernel,
      // A title is the submitter's own words about the data: private like the params.
      title: shown ? job.title : null,
      status: job.status,
      visibility: job.visibility,
      params: shown ? job.params : null,
      replication: { min: job.replicationMin, max: job.replicationMax },
      progress: {
        total: job.shardsTotal,
        verified: job.shardsVerified,
        failed: job.shardsFailed,
        running: Number(extrasByJob.get(job.id)?.n ?? 0),
      },
      payment: jobPaymentSummary(extrasByJob.get(job.id)),
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
    };
  });
}

/** Status and progress of one job, or 404. */
export async function getJob(db: Queryable, jobId: string, viewer: JobViewer = {}): Promise<JobSummary> {
  const rows = await db.select().from(jobs).where(eq(jobs.id, jobId));
  const [summary] = await toSummaries(db, rows, viewer);
  if (!summary) throw new ApiError('not_found', `No job ${jobId}.`);
  return summary;
}

/**
 * Summaries of several jobs in two queries (unknown ids are left out), as an anonymous viewer sees
 * them (a private job's params and title hidden): for the shared progress poll, whose streams carry no token.
 */
export async function getJobsByIds(db: Queryable, ids: readonly string[]): Promise<JobSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(jobs)
    .where(inArray(jobs.id, [...ids]));
  return toSummaries(db, rows, {});
}

/** The most recent jobs first. */
export async function listJobs(
  db: Queryable,
  options: { limit: number },
  viewer: JobViewer = {},
): Promise<JobSummary[]> {
  const rows = await db.select().from(jobs).orderBy(desc(jobs.createdAt)).limit(options.limit);
  return toSummaries(db, rows, viewer);
}
