import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';

/**
 * Settles a paid job that ended (completed, failed or cancelled): what its reservation did not
 * spend returns to the payer's balance. Call it in the transaction that ends the job.
 *
 * Exactly once: only an `open` payment row of a job in a terminal state is settled, by one
 * conditional update, so a second call (a retry, another process) changes nothing. Unpaid jobs
 * have no payment row, and a job still running is left alone.
 */
export async function settleJobFunds(tx: Queryable, jobId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE job_payments p SET status = 'settled', refunded = p.reserved - p.spent, settled_at = now()
    FROM jobs j
    WHERE p.job_id = ${jobId}::uuid AND j.id = p.job_id AND p.status = 'open'
      AND j.status IN ('completed', 'failed', 'cancelled')
  `);
}
