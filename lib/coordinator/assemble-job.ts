import { asc, eq } from 'drizzle-orm';
import { getBlobs, putBlobs } from '../db/blobs';
import type { Tx } from '../db/client';
import { jobs, shards } from '../db/schema';
import { getKernel } from '../kernels/registry';
import { settleJobFunds } from './rewards/settle-job-funds';

/**
 * Assimilation: builds the job output from every shard's verified result and completes the job.
 * Runs inside the transaction that verified the last shard, so a job is never `completed` without
 * its output, and is safe to run twice (it only acts on a job that is still `running`).
 */
export async function assembleJob(tx: Tx, jobId: string, now: Date): Promise<void> {
  const job = (await tx.select().from(jobs).where(eq(jobs.id, jobId)).for('update'))[0];
  if (job?.status !== 'running') return;
  const kernel = getKernel(job.kernel);
  if (!kernel) throw new Error(`job ${jobId} names unknown kernel ${job.kernel}`);
  const rows = await tx
    .select({ params: shards.params, sha: shards.canonicalSha256 })
    .from(shards)
    .where(eq(shards.jobId, jobId))
    .orderBy(asc(shards.index));
  const bytes = await getBlobs(
    tx,
    rows.map((r) => r.sha!),
  );
  const output = kernel.assemble(
    { params: job.params },
    rows.map((r) => ({ params: r.params, result: bytes.get(r.sha!)! })),
  );
  const [sha] = await putBlobs(tx, [output.bytes]);
  await tx
    .update(jobs)
    .set({
      status: 'completed',
      resultSha256: sha,
      resultContentType: output.contentType,
      resultFilename: output.filename,
      finishedAt: now,
      updatedAt: now,
    })
    .where(eq(jobs.id, jobId));
  await settleJobFunds(tx, jobId);
}
