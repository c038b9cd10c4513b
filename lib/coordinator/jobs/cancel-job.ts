import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { jobs } from '../../db/schema';
import { ApiError } from '../../errors';
import { clock } from '../clock';
import { settleJobFunds } from '../rewards/settle-job-funds';

/**
 * Cancels a job for its owner: pending shards and live leases are closed so no more work is handed
 * out or accepted, and a paid job's unspent reservation returns to the payer's balance. Cancelling
 * an already cancelled job answers the same; a finished job is a 409.
 */
export async function cancelJob(
  db: Db,
  jobId: string,
  requesterId: string,
): Promise<{ status: 'cancelled' }> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const job = (await tx.select().from(jobs).where(eq(jobs.id, jobId)).for('update'))[0];
    if (!job) throw new ApiError('not_found', `No job ${jobId}.`);
    if (job.ownerId !== requesterId) {
      throw new ApiError('forbidden', 'Only the volunteer token that submitted this job may cancel it.');
    }
    if (job.status === 'cancelled') return { status: 'cancelled' };
    if (job.status === 'completed' || job.status === 'failed') {
      throw new ApiError('conflict', `The job already ${job.status}; there is nothing left to cancel.`);
    }
    await tx
      .update(jobs)
      .set({ status: 'cancelled', finishedAt: now, updatedAt: now })
      .where(eq(jobs.id, jobId));
    await tx.execute(
      sql`UPDATE shards SET status = 'cancelled' WHERE job_id = ${jobId}::uuid AND status = 'pending'`,
    );
    await tx.execute(
      sql`UPDATE leases SET state = 'cancelled' WHERE job_id = ${jobId}::uuid AND state = 'active'`,
    );
    await settleJobFunds(tx, jobId);
    return { status: 'cancelled' };
  });
}
