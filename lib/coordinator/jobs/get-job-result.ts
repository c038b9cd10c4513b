import { eq } from 'drizzle-orm';
import { getBlob } from '../../db/blobs';
import type { Queryable } from '../../db/client';
import { type JobVisibility, jobs } from '../../db/schema';
import { ApiError } from '../../errors';
import type { JobOutput } from '../../kernels/kernel';

/**
 * The assembled, verified output; 409 until the job has completed, 410 once the retention sweep
 * deleted it. A private job's output is for its submitter only (`readerId`).
 */
export async function getJobResult(
  db: Queryable,
  jobId: string,
  readerId?: string,
): Promise<JobOutput & { visibility: JobVisibility }> {
  const job = (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0];
  if (!job) throw new ApiError('not_found', `No job ${jobId}.`);
  if (job.visibility === 'private' && job.ownerId !== readerId) {
    throw new ApiError(
      readerId ? 'forbidden' : 'unauthorized',
      'This job is private: only its submitter may download the result; send "Authorization: Bearer <token>" with the token that submitted it.',
    );
  }
  if (job.status !== 'completed' || !job.resultSha256) {
    throw new ApiError(
      'not_ready',
      `The job is ${job.status}; its result can be downloaded once it is completed (${job.shardsVerified}/${job.shardsTotal} shards verified).`,
    );
  }
  const bytes = await getBlob(db, job.resultSha256);
  if (!bytes) {
    throw new ApiError(
      'job_closed',
      `The result of job ${jobId} was deleted: results are kept for a limited time after a job ends (docs/operations.md, BLOB_RETENTION_SECONDS).`,
    );
  }
  return {
    visibility: job.visibility,
    bytes,
    contentType: job.resultContentType ?? 'application/octet-stream',
    filename: job.resultFilename ?? 'result.bin',
  };
}
