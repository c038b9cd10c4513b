import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { env } from '../../env';
import { protocolFee, workUnitsCost } from '../../protocol/job-cost';

/** One result that was just credited (a verified, agreeing result). */
export interface CreditedResult {
  resultId: string;
  volunteerId: string;
  jobId: string;
  workUnits: number;
}

/**
 * Pays the volunteers of verified results of *paid* jobs from their jobs' reservations: price ×
 * the result's work units (rounded down), less the protocol fee to the treasury. Results of unpaid
 * jobs earn credit only and are skipped here.
 *
 * Runs in the transaction that credits the results. Idempotent and safe from two processes: each
 * payment and fee is a ledger row keyed by the result id, and a job's `spent` grows only when the
 * payment row was new; the job's payment row is locked meanwhile. A job whose reservation is
 * settled (ended, cancelled) or spent pays nothing more.
 */
export async function payVerifiedResults(tx: Queryable, credited: readonly CreditedResult[]): Promise<void> {
  if (credited.length === 0) return;
  const jobIds = [...new Set(credited.map((c) => c.jobId))].sort();
  const payments = await queryRows<{
    job_id: string;
    price_per_work_unit: string;
    fee_bps: number;
    reserved: string;
    spent: string;
  }>(
    tx,
    sql`SELECT job_id, price_per_work_unit::text, fee_bps, reserved::text, spent::text
        FROM job_payments
        WHERE job_id IN (${sql.join(
          jobIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) AND status = 'open'
        ORDER BY job_id FOR UPDATE`,
  );
  if (payments.length === 0) return;
  const treasury = env().TREASURY_ADDRESS?.toLowerCase() ?? null;
  const quotas = await shardQuotas(
    tx,
    credited.filter((c) => payments.some((p) => p.job_id === c.jobId)).map((c) => c.resultId),
  );

  for (const payment of payments) {
    const price = BigInt(payment.price_per_work_unit);
    let left = BigInt(payment.reserved) - BigInt(payment.spent);
    let paid = 0n;
    const results = credited
      .filter((c) => c.jobId === payment.job_id)
      .sort((a, b) => (a.resultId < b.resultId ? -1 : 1));
    for (const result of results) {
      const quota = quotas.get(result.resultId);
      // The reservation holds replication.max results per shard: a result beyond that (a known-answer
      // replica of a shard already paid in full) earns credit but no tokens, so it can never take the
      // payment of another shard's verified result.
      if (!quota || quota.paid >= quota.max) continue;
      const cost = min(workUnitsCost(result.workUnits, price), left);
      if (cost === 0n) continue;
      const fee = treasury ? protocolFee(cost, payment.fee_bps) : 0n;
      const inserted = await queryRows<{ id: number }>(
        tx,
        sql`INSERT INTO ledger_entries (key, kind, volunteer_id, job_id, result_id, amount)
            VALUES (${`payment:${result.resultId}`}, 'payment', ${result.volunteerId}::uuid, ${result.jobId}::uuid,
                    ${result.resultId}::uuid, ${(cost - fee).toString()}::numeric)
            ON CONFLICT (key) DO NOTHING RETURNING id`,
      );
      if (inserted.length === 0) continue; // paid before (a retry, or another process)
      quota.paid += 1;
      if (fee > 0n) {
        await tx.execute(sql`
          INSERT INTO ledger_entries (key, kind, address, job_id, result_id, amount)
          VALUES (${`fee:${result.resultId}`}, 'fee', ${treasury}, ${result.jobId}::uuid, ${result.resultId}::uuid,
                  ${fee.toString()}::numeric)
          ON CONFLICT (key) DO NOTHING`);
      }
      left -= cost;
      paid += cost;
    }
    if (paid > 0n) {
      await tx.execute(sql`
        UPDATE job_payments SET spent = spent + ${paid.toString()}::numeric WHERE job_id = ${payment.job_id}::uuid`);
    }
  }
}

/**
 * For each result, its shard's payment quota: the job's `replication.max` (what the reservation
 * holds per shard) and how many results of the shard hold a payment now. Results of one shard share
 * one object, so payments made in this call count against the others.
 */
async function shardQuotas(
  tx: Queryable,
  resultIds: readonly string[],
): Promise<Map<string, { max: number; paid: number }>> {
  const quotas = new Map<string, { max: number; paid: number }>();
  if (resultIds.length === 0) return quotas;
  const rows = await queryRows<{ result_id: string; shard_id: string; max: number; paid: number }>(
    tx,
    sql`SELECT r.id::text AS result_id, r.shard_id::text AS shard_id, j.replication_max AS max,
               (SELECT count(*) FROM results o JOIN ledger_entries e ON e.key = 'payment:' || o.id::text
                WHERE o.shard_id = r.shard_id)::int AS paid
        FROM results r JOIN shards s ON s.id = r.shard_id JOIN jobs j ON j.id = s.job_id
        WHERE r.id IN (${sql.join(
          resultIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  const byShard = new Map<string, { max: number; paid: number }>();
  for (const row of rows) {
    let quota = byShard.get(row.shard_id);
    if (!quota) {
      quota = { max: Number(row.max), paid: Number(row.paid) };
      byShard.set(row.shard_id, quota);
    }
    quotas.set(row.result_id, quota);
  }
  return quotas;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
