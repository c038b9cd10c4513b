import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client';
import type { ResultStatus, ShardStatus } from '../../protocol/states';
import { failJob } from '../jobs/fail-job';
import { updateReputations } from '../reputation/update-reputations';
import { payVerifiedResults } from '../rewards/pay-verified-results';
import type { Replica, ShardDecision } from './decide-shard';

interface WriteBase {
  shardId: string;
  jobId: string;
  index: number;
  kernel: string;
  /**
   * The claim: `validate_after` as the validator set it. The write is skipped when it changed since
   * (a result arrived and made the shard due again, or the claim lapsed and another validator took it).
   */
  claim: Date;
  workUnits: number;
  replicas: { id: string; volunteerId: string; status: ResultStatus }[];
}

/** What one validation step concluded about one shard. */
export type VerdictWrite =
  | (WriteBase & { kind: 'decided'; decision: ShardDecision & { checks: Record<string, Replica['check']> } })
  /** The CPU work did not finish (budget, crash): look again after `retryMs`. */
  | (WriteBase & { kind: 'undecided' })
  /** The job is closed (cancelled or failed): nothing to decide, nothing due any more. */
  | (WriteBase & { kind: 'closed' });

type JobDelta = Map<string, { verified: number; failed: number; failedIndex?: number }>;

/**
 * Writes one validation step's verdicts in one transaction with a fixed number of statements:
 * result statuses, shard states, the credit ledger (one row per result that became valid; a unique
 * key makes double credit impossible), the payments of paid jobs for those same results, volunteer
 * and job counters, a failed job's error, and a job whose last shard verified becomes due for
 * assimilation.
 *
 * Safe against a second validator: each shard is locked and its claim compared with the one this
 * validator took; a shard whose claim is gone is left to whoever holds it now. Counters and credit
 * follow only the result rows this transaction really moved out of `pending`.
 */
export async function writeVerdicts(
  db: Db,
  now: Date,
  writes: VerdictWrite[],
  retryMs: number,
): Promise<void> {
  if (writes.length === 0) return;
  await db.transaction(async (tx) => {
    const current = await queryRows<{
      id: string;
      validate_after: Date | string | null;
      status: ShardStatus;
    }>(
      tx,
      sql`SELECT id, validate_after, status FROM shards WHERE id IN (${sql.join(
        writes.map((w) => sql`${w.shardId}::uuid`),
        sql`, `,
      )}) ORDER BY id FOR UPDATE`,
    );
    const byId = new Map(current.map((r) => [r.id, r]));
    const fresh = writes.filter((w) => {
      const at = byId.get(w.shardId)?.validate_after;
      return at != null && new Date(at).getTime() === w.claim.getTime();
    });
    if (fresh.length === 0) return;

    const retryAt = new Date(now.getTime() + retryMs);
    const shardRows: SQL[] = [];
    const resultRows: SQL[] = [];
    const writeOfResult = new Map<string, VerdictWrite>();
    const jobDelta: JobDelta = new Map();
    for (const w of fresh) {
      const before = byId.get(w.shardId)!;
      if (w.kind === 'closed') {
        shardRows.push(
          sql`(${w.shardId}::uuid, NULL::text, NULL::int, NULL::text, NULL::int, NULL::timestamptz, true, NULL::int, NULL::int)`,
        );
        continue;
      }
      if (w.kind === 'undecided') {
        shardRows.push(
          sql`(${w.shardId}::uuid, NULL::text, NULL::int, NULL::text, 0::int, ${retryAt}::timestamptz, false, NULL::int, NULL::int)`,
        );
        continue;
      }
      const d = w.decision;
      let checked = 0;
      for (const r of w.replicas) {
        const check = d.checks[r.id];
        if (check !== undefined && check !== 'undecided') checked += 1;
        const next = d.results.get(r.id);
        const storedCheck = check === 'valid' || check === 'plausible' ? check : null;
        if (r.status !== 'pending' || !next) continue;
        if (next.status === 'pending' && storedCheck === null) continue;
        resultRows.push(
          sql`(${r.id}::uuid, ${next.status}::text, ${storedCheck}::text, ${next.reason}::text)`,
        );
        writeOfResult.set(r.id, w);
      }
      shardRows.push(
        sql`(${w.shardId}::uuid, ${d.status}::text, ${d.bestAgreeing}::int, ${d.canonicalSha256}::text, ${checked}::int, ${d.undecided ? retryAt : null}::timestamptz, false, ${d.quorum}::int, ${d.maxResults}::int)`,
      );
      const jd = jobDelta.get(w.jobId) ?? { verified: 0, failed: 0 };
      if (d.status === 'verified' && before.status !== 'verified') jd.verified += 1;
      if (d.status === 'failed' && before.status !== 'failed') {
        jd.failed += 1;
        jd.failedIndex = w.index;
      }
      jobDelta.set(w.jobId, jd);
    }

    const changed =
      resultRows.length === 0
        ? []
        : await queryRows<{ id: string; status: ResultStatus; volunteer_id: string }>(
            tx,
            sql`
        UPDATE results AS r SET status = v.status, check_verdict = COALESCE(v.check_verdict, r.check_verdict), reason = v.reason
        FROM (VALUES ${sql.join(resultRows, sql`, `)}) AS v(id, status, check_verdict, reason)
        WHERE r.id = v.id AND r.status = 'pending'
        RETURNING r.id, r.status, r.volunteer_id
      `,
          );
    // Per shard: new status (NULL = unchanged), best group, canonical result, results now checked
    // (leave `awaiting`), when to look again (NULL = not due), whether its job closed, quorum and
    // most results (a refused result frees its slot, see decide-shard.ts).
    await tx.execute(sql`
      UPDATE shards AS s SET
        status = COALESCE(v.status, s.status),
        best_agreeing = COALESCE(v.best_agreeing, s.best_agreeing),
        canonical_sha256 = COALESCE(v.canonical_sha256, s.canonical_sha256),
        awaiting = CASE WHEN v.closed THEN 0 ELSE GREATEST(s.awaiting - v.checked, 0) END,
        validate_after = v.validate_after,
        quorum = COALESCE(v.quorum, s.quorum),
        max_results = COALESCE(v.max_results, s.max_results)
      FROM (VALUES ${sql.join(shardRows, sql`, `)}) AS v(id, status, best_agreeing, canonical_sha256, checked, validate_after, closed, quorum, max_results)
      WHERE s.id = v.id
    `);

    const credited: { resultId: string; volunteerId: string; jobId: string; workUnits: number }[] = [];
    const volunteerDelta = new Map<string, { done: number; rejected: number }>();
    for (const row of changed) {
      if (row.status === 'pending') continue;
      const delta = volunteerDelta.get(row.volunteer_id) ?? { done: 0, rejected: 0 };
      if (row.status === 'valid') {
        delta.done += 1;
        const w = writeOfResult.get(row.id)!;
        credited.push({
          resultId: row.id,
          volunteerId: row.volunteer_id,
          jobId: w.jobId,
          workUnits: w.workUnits,
        });
      } else delta.rejected += 1;
      volunteerDelta.set(row.volunteer_id, delta);
    }
    if (credited.length > 0) {
      await tx.execute(sql`
        INSERT INTO credits (result_id, volunteer_id, job_id, site, work_units, created_at)
        SELECT v.result_id, v.volunteer_id, v.job_id, vol.site, v.work_units, ${now}
        FROM (VALUES ${sql.join(
          credited.map(
            (c) =>
              sql`(${c.resultId}::uuid, ${c.volunteerId}::uuid, ${c.jobId}::uuid, ${c.workUnits}::float8)`,
          ),
          sql`, `,
        )}) AS v(result_id, volunteer_id, job_id, work_units)
        JOIN volunteers vol ON vol.id = v.volunteer_id
        ON CONFLICT (result_id) DO NOTHING
      `);
      // Paid jobs pay these same results (only rows this transaction moved to valid) from their reservations.
      await payVerifiedResults(tx, credited);
    }
    // Reputations first: a volunteer caught here reopens the shards it helped verify, before this
    // step's counters could make their job due for assembly.
    await updateReputations(
      tx,
      now,
      changed.flatMap((row) =>
        row.status === 'pending'
          ? []
          : [
              {
                volunteerId: row.volunteer_id,
                kernel: writeOfResult.get(row.id)!.kernel,
                valid: row.status === 'valid',
              },
            ],
      ),
    );
    await updateJobs(tx, now, jobDelta);
    for (const id of [...volunteerDelta.keys()].sort()) {
      const d = volunteerDelta.get(id)!;
      await tx.execute(sql`
        UPDATE volunteers SET shards_done = shards_done + ${d.done}, shards_rejected = shards_rejected + ${d.rejected}
        WHERE id = ${id}::uuid
      `);
    }
  });
}

/** Job counters in id order (a fixed lock order); a failed shard fails its job; a finished job is due for assembly. */
async function updateJobs(tx: Tx, now: Date, jobDelta: JobDelta): Promise<void> {
  for (const jobId of [...jobDelta.keys()].sort()) {
    const d = jobDelta.get(jobId)!;
    if (d.verified === 0 && d.failed === 0) continue;
    await tx.execute(sql`
      UPDATE jobs SET
        shards_verified = shards_verified + ${d.verified},
        shards_failed = shards_failed + ${d.failed},
        updated_at = ${now},
        assemble_after = CASE
          WHEN status = 'running' AND ${d.failed}::int = 0 AND shards_verified + ${d.verified} = shards_total THEN ${now}
          ELSE assemble_after END
      WHERE id = ${jobId}::uuid
    `);
    if (d.failedIndex !== undefined) {
      const message = `Shard ${d.failedIndex} received its maximum number of results without enough of them agreeing.`;
      await failJob(tx, jobId, message, now);
    }
  }
}
