import { eq } from 'drizzle-orm';
import { getBlob } from '../../db/blobs';
import type { Queryable } from '../../db/client';
import { jobs } from '../../db/schema';
import { ApiError } from '../../errors';
import type { JobOutput } from '../../kernels/kernel';

/** The assembled, verified output; 409 until the job has completed. */
export async function getJobResult(db: Queryable, jobId: string): Promise<JobOutput> {
  const job = (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0];
  if (!job) throw new ApiError('not_found', `No job ${jobId}.`);
  if (job.status !== 'completed' || !job.resultSha256) {
    throw new ApiError(
      'not_ready',
      `The job is ${job.status}; its result can be downloaded once it is completed (${job.shardsVerified}/${job.shardsTotal} shards verified).`,
    );
  }
  const bytes = await getBlob(db, job.resultSha256);
  if (!bytes) throw new Error(`result blob of job ${jobId} is missing`);
  return {
    bytes,
    contentType: job.resultContentType ?? 'application/octet-stream',
    filename: job.resultFilename ?? 'result.bin',
  };
}
