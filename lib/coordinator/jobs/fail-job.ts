import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { settleJobFunds } from '../rewards/settle-job-funds';

/**
 * Settles a job as failed with a message that says why — once: a job already finished keeps its
 * status and first error. Used by the validator (a shard without a quorum at `replication.max`) and
 * by lease release (a shard reported as failing by as many volunteers). A paid job's unspent
 * reservation returns to its payer in the same transaction.
 */
export async function failJob(tx: Tx, jobId: string, message: string, now: Date): Promise<void> {
  await tx.execute(sql`
    UPDATE jobs SET
      status = CASE WHEN status IN ('queued', 'running') THEN 'failed' ELSE status END,
      error = COALESCE(error, ${message}::text),
      finished_at = COALESCE(finished_at, ${now}),
      assemble_after = NULL,
      updated_at = ${now}
    WHERE id = ${jobId}::uuid
  `);
  await settleJobFunds(tx, jobId);
}
