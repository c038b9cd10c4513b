import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import { clock } from '../clock';
import { failJob } from '../jobs/fail-job';
import { trustedAfter } from '../reputation/trust-rules';

export interface ReleaseOutcome {
  leaseId: string;
  state: 'released' | 'failed' | 'completed' | 'cancelled';
}

/**
 * Hands a lease back before its deadline, so the shard is offered again at once instead of after
 * LEASE_SECONDS (a volunteer pressed Stop with work prefetched). With `error`, the volunteer
 * reports that computing the shard failed (a compile error, a lost device, a watchdog timeout):
 * the report counts against the shard, and a shard that fails for `replication.max` reputable
 * volunteers (trusted on some kernel, docs/trust.md) fails its job visibly — so a poison kernel ends
 * instead of circulating forever, while reports from free, fresh identities cannot kill a job.
 * Idempotent: releasing a lease that is no longer active answers its current state.
 */
export async function releaseLease(
  db: Db,
  volunteerId: string,
  leaseId: string,
  error?: { message: string },
): Promise<ReleaseOutcome> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{
      state: string;
      shard_id: string;
      job_id: string;
      index: number;
      status: string;
      max_results: number;
      reputable_error_reports: number;
    }>(
      tx,
      sql`SELECT l.state, l.shard_id, l.job_id, s.index, s.status, s.max_results, s.reputable_error_reports
          FROM leases l JOIN shards s ON s.id = l.shard_id
          WHERE l.id = ${leaseId}::uuid AND l.volunteer_id = ${volunteerId}::uuid
          FOR UPDATE OF s`,
    );
    if (!row) throw new ApiError('not_found', `No lease ${leaseId} is held by this volunteer.`);
    if (row.state !== 'active') return { leaseId, state: row.state as ReleaseOutcome['state'] };
    if (!error) {
      await tx.execute(sql`UPDATE leases SET state = 'released' WHERE id = ${leaseId}::uuid`);
      return { leaseId, state: 'released' };
    }
    await tx.execute(sql`UPDATE leases SET state = 'failed' WHERE id = ${leaseId}::uuid`);
    // Only reporters trusted on some kernel count towards failing the job (free identities must
    // not be able to kill someone's job); each identity reports a shard at most once (one lease per
    // shard and volunteer), and replicas already differ in prefix and wallet.
    const [standing] = await queryRows<{ reputable: boolean }>(
      tx,
      sql`SELECT EXISTS (SELECT 1 FROM reputations WHERE volunteer_id = ${volunteerId}::uuid
            AND consecutive_valid >= ${trustedAfter}) AS reputable`,
    );
    const reports = row.reputable_error_reports + (standing?.reputable ? 1 : 0);
    const fails = row.status === 'pending' && reports >= row.max_results;
    await tx.execute(sql`
      UPDATE shards SET error_reports = error_reports + 1, reputable_error_reports = ${reports},
        status = ${fails ? 'failed' : row.status}
      WHERE id = ${row.shard_id}::uuid`);
    if (fails) {
      const message = `Shard ${row.index} failed on ${reports} reputable volunteers; the last error: ${error.message.slice(0, 500)}`;
      await tx.execute(sql`UPDATE jobs SET shards_failed = shards_failed + 1 WHERE id = ${row.job_id}::uuid`);
      await failJob(tx, row.job_id, message, now);
    }
    return { leaseId, state: 'failed' };
  });
}
