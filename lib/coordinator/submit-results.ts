import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getBlobs, putBlobs, sha256Hex } from '../db/blobs';
import { type Db, queryRows, type Tx } from '../db/client';
import { jobs, leases, type ResultStatus, results, type ShardInputRef, type ShardStatus } from '../db/schema';
import { ApiError } from '../errors';
import type { AnyKernel, ShardSpec } from '../kernels/kernel';
import { getKernel } from '../kernels/registry';
import { assembleJob } from './assemble-job';
import { clock } from './clock';
import { groupAgreeing } from './group-agreeing';
import { payVerifiedResults } from './rewards/pay-verified-results';
import { settleJobFunds } from './rewards/settle-job-funds';

export interface ResultSubmission {
  leaseId: string;
  bytes: Uint8Array;
}

export type SubmissionOutcome =
  | { leaseId: string; status: ResultStatus }
  | { leaseId: string; error: ApiError };

interface ShardState {
  id: string;
  jobId: string;
  index: number;
  kernel: AnyKernel;
  params: unknown;
  inputRefs: ShardInputRef[];
  status: ShardStatus;
  /** Status when the batch began, to tell "verified now" from "verified before". */
  initialStatus: ShardStatus;
  quorum: number;
  maxResults: number;
  resultsCount: number;
  bestAgreeing: number;
  canonicalSha256: string | null;
  workUnits: number;
  jobStatus: string;
  dirty: boolean;
}

interface ResultState {
  id: string;
  leaseId: string;
  shardId: string;
  volunteerId: string;
  sha256: string;
  status: ResultStatus;
  reason: string | null;
  isNew: boolean;
  statusChanged: boolean;
}

interface LeaseRow {
  lease_id: string;
  state: string;
  deadline: Date | string;
  shard_id: string;
}

/**
 * Accepts a batch of results from one volunteer (the PUT is a batch of one). Each item follows the
 * PUT's rules on its own — unknown or foreign lease 404, wrong size 400, same bytes again the same
 * answer, different bytes 409, expired lease 410 — and the whole batch is decided and written in
 * one transaction with a fixed number of statements, which is what makes batching pay.
 *
 * Verification happens here: the kernel's check, then grouping of agreeing replicas; a quorum
 * verifies the shard, credits every agreeing result exactly once (unique key on the ledger) in this
 * same transaction, and assembles the job output when it was the last shard.
 */
export async function submitResults(
  db: Db,
  volunteerId: string,
  items: ResultSubmission[],
): Promise<SubmissionOutcome[]> {
  if (items.length === 0) return [];
  const now = clock.now();
  return db.transaction(async (tx) => {
    const leaseIds = [...new Set(items.map((i) => i.leaseId))];
    // Lock the shards first, in id order, so concurrent batches cannot deadlock.
    const leaseRows = await queryRows<
      LeaseRow & {
        job_id: string;
        index: number;
        kernel: string;
        params: unknown;
        inputs: ShardInputRef[];
        status: ShardStatus;
        quorum: number;
        max_results: number;
        results_count: number;
        best_agreeing: number;
        canonical_sha256: string | null;
        work_units: number;
        job_status: string;
      }
    >(
      tx,
      sql`
        SELECT l.id AS lease_id, l.state, l.deadline, l.shard_id,
               s.job_id, s.index, s.kernel, s.params, s.inputs, s.status, s.quorum, s.max_results,
               s.results_count, s.best_agreeing, s.canonical_sha256, s.work_units, j.status AS job_status
        FROM leases l
        JOIN shards s ON s.id = l.shard_id
        JOIN jobs j ON j.id = l.job_id
        WHERE l.id IN (${sql.join(
          leaseIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) AND l.volunteer_id = ${volunteerId}
        ORDER BY s.id
        FOR UPDATE OF s
      `,
    );

    const leaseById = new Map<string, LeaseRow>();
    const shardsById = new Map<string, ShardState>();
    for (const row of leaseRows) {
      leaseById.set(row.lease_id, row);
      if (shardsById.has(row.shard_id)) continue;
      const kernel = getKernel(row.kernel);
      if (!kernel) throw new Error(`shard ${row.shard_id} names unknown kernel ${row.kernel}`);
      shardsById.set(row.shard_id, {
        id: row.shard_id,
        jobId: row.job_id,
        index: row.index,
        kernel,
        params: row.params,
        inputRefs: row.inputs,
        status: row.status,
        initialStatus: row.status,
        quorum: row.quorum,
        maxResults: row.max_results,
        resultsCount: row.results_count,
        bestAgreeing: row.best_agreeing,
        canonicalSha256: row.canonical_sha256,
        workUnits: Number(row.work_units),
        jobStatus: row.job_status,
        dirty: false,
      });
    }

    const shardIds = [...shardsById.keys()];
    const existing =
      shardIds.length === 0
        ? []
        : await tx
            .select({
              id: results.id,
              leaseId: results.leaseId,
              shardId: results.shardId,
              volunteerId: results.volunteerId,
              sha256: results.sha256,
              status: results.status,
              reason: results.reason,
            })
            .from(results)
            .where(inArray(results.shardId, shardIds));
    const resultsByShard = new Map<string, ResultState[]>();
    const resultByLease = new Map<string, ResultState>();
    for (const r of existing) {
      const state: ResultState = { ...r, isNew: false, statusChanged: false };
      resultByLease.set(r.leaseId, state);
      const list = resultsByShard.get(r.shardId) ?? [];
      list.push(state);
      resultsByShard.set(r.shardId, list);
    }

    // Everything the checks and comparisons may need, fetched once (blobs are cached per process).
    const needed = new Set<string>();
    for (const shard of shardsById.values()) for (const ref of shard.inputRefs) needed.add(ref.sha256);
    for (const r of existing) if (r.status !== 'invalid') needed.add(r.sha256);
    const bytesBySha = await getBlobs(tx, needed);

    const specOf = (shard: ShardState): ShardSpec<unknown> => ({
      params: shard.params,
      inputs: Object.fromEntries(
        shard.inputRefs.map((ref) => {
          const bytes = bytesBySha.get(ref.sha256);
          if (!bytes) throw new Error(`input blob ${ref.sha256} of shard ${shard.id} is missing`);
          return [ref.name, bytes];
        }),
      ),
    });

    const outcomes: SubmissionOutcome[] = [];
    const newBlobs: Uint8Array[] = [];
    for (const item of items) {
      const lease = leaseById.get(item.leaseId);
      if (!lease) {
        outcomes.push({
          leaseId: item.leaseId,
          error: new ApiError(
            'not_found',
            `No lease ${item.leaseId} is held by this volunteer; lease work first.`,
          ),
        });
        continue;
      }
      const shard = shardsById.get(lease.shard_id)!;
      const sizeError = checkSize(shard, item.bytes);
      if (sizeError) {
        outcomes.push({ leaseId: item.leaseId, error: new ApiError('wrong_result_size', sizeError) });
        continue;
      }
      const sha = sha256Hex(item.bytes);
      const previous = resultByLease.get(item.leaseId);
      if (previous) {
        outcomes.push(
          previous.sha256 === sha
            ? { leaseId: item.leaseId, status: previous.status }
            : {
                leaseId: item.leaseId,
                error: new ApiError(
                  'conflict',
                  'A different result was already accepted for this lease; results cannot be changed.',
                ),
              },
        );
        continue;
      }
      if (
        !['queued', 'running'].includes(shard.jobStatus) ||
        shard.status === 'cancelled' ||
        shard.status === 'failed'
      ) {
        outcomes.push({
          leaseId: item.leaseId,
          error: new ApiError(
            'job_closed',
            `The job is ${shard.jobStatus}; this result is no longer needed.`,
          ),
        });
        continue;
      }
      if (lease.state !== 'active' || new Date(lease.deadline).getTime() <= now.getTime()) {
        outcomes.push({
          leaseId: item.leaseId,
          error: new ApiError(
            'lease_expired',
            'The lease expired or was handed back before the result arrived, and the shard was offered to someone else; lease new work.',
          ),
        });
        continue;
      }

      const spec = specOf(shard);
      const verdict = safeCheck(shard.kernel, spec, item.bytes);
      const result: ResultState = {
        id: randomUUID(),
        leaseId: item.leaseId,
        shardId: shard.id,
        volunteerId,
        sha256: sha,
        status: verdict.status === 'invalid' ? 'invalid' : 'pending',
        reason: verdict.status === 'invalid' ? verdict.reason : null,
        isNew: true,
        statusChanged: false,
      };
      newBlobs.push(item.bytes);
      bytesBySha.set(sha, item.bytes);
      resultByLease.set(item.leaseId, result);
      const list = resultsByShard.get(shard.id) ?? [];
      list.push(result);
      resultsByShard.set(shard.id, list);
      shard.resultsCount += 1;
      shard.dirty = true;

      if (result.status !== 'invalid') {
        if (shard.status === 'verified') {
          // A late replica: credited if it agrees with the verified result.
          const canonical = bytesBySha.get(shard.canonicalSha256!);
          const agrees = canonical !== undefined && shard.kernel.verify.compare(spec, canonical, item.bytes);
          result.status = agrees ? 'valid' : 'invalid';
          if (!agrees) result.reason = 'disagrees with the verified result';
        } else {
          decideShard(shard, spec, list, bytesBySha);
        }
      } else if (shard.status === 'pending' && shard.resultsCount >= shard.maxResults) {
        shard.status = 'failed';
      }
      outcomes.push({ leaseId: item.leaseId, status: result.status });
    }
    // Outcomes reported after the whole batch is decided: a replica may have been settled later in it.
    const finalOutcomes = outcomes.map((o) =>
      'status' in o ? { leaseId: o.leaseId, status: resultByLease.get(o.leaseId)!.status } : o,
    );

    await writeBatch(tx, now, shardsById, resultsByShard, newBlobs);
    return finalOutcomes;
  });
}

function checkSize(shard: ShardState, bytes: Uint8Array): string | null {
  const size = shard.kernel.resultSize(shard.params);
  if ('exact' in size) {
    return bytes.byteLength === size.exact
      ? null
      : `The result must be exactly ${size.exact} bytes for this shard; got ${bytes.byteLength}.`;
  }
  if (bytes.byteLength % size.multipleOf !== 0 || bytes.byteLength > size.max) {
    return `The result must be a multiple of ${size.multipleOf} bytes and at most ${size.max}; got ${bytes.byteLength}.`;
  }
  return null;
}

/** A kernel check that throws is a kernel bug, but the volunteer's bytes caused it: treat as wrong. */
function safeCheck(kernel: AnyKernel, spec: ShardSpec<unknown>, bytes: Uint8Array) {
  try {
    return kernel.verify.check(spec, bytes);
  } catch (error) {
    return {
      status: 'invalid' as const,
      reason: `check failed: ${error instanceof Error ? error.message : 'error'}`,
    };
  }
}

/** Settles a pending shard from its replicas: verified on a quorum, failed at `max_results`. */
function decideShard(
  shard: ShardState,
  spec: ShardSpec<unknown>,
  list: ResultState[],
  bytesBySha: Map<string, Uint8Array>,
): void {
  const candidates = list.filter((r) => r.status !== 'invalid');
  const groups = groupAgreeing(candidates, (a, b) =>
    a.sha256 === b.sha256
      ? true
      : shard.kernel.verify.compare(spec, bytesBySha.get(a.sha256)!, bytesBySha.get(b.sha256)!),
  );
  const best = groups.reduce<ResultState[]>((a, g) => (g.length > a.length ? g : a), []);
  shard.bestAgreeing = best.length;
  if (best.length >= shard.quorum) {
    shard.status = 'verified';
    shard.canonicalSha256 = best[0]!.sha256;
    const winners = new Set(best);
    for (const r of candidates) {
      const next: ResultStatus = winners.has(r) ? 'valid' : 'invalid';
      if (r.status !== next) {
        r.status = next;
        r.statusChanged = !r.isNew;
        if (next === 'invalid') r.reason = 'disagrees with the quorum';
      }
    }
  } else if (shard.resultsCount >= shard.maxResults) {
    shard.status = 'failed';
  }
}

async function writeBatch(
  tx: Tx,
  now: Date,
  shardsById: Map<string, ShardState>,
  resultsByShard: Map<string, ResultState[]>,
  newBlobs: Uint8Array[],
): Promise<void> {
  const touched = [...shardsById.values()].filter((s) => s.dirty);
  if (touched.length === 0) return;
  await putBlobs(tx, newBlobs);

  const all = touched.flatMap((s) => resultsByShard.get(s.id) ?? []);
  const created = all.filter((r) => r.isNew);
  await tx.insert(results).values(
    created.map((r) => ({
      id: r.id,
      leaseId: r.leaseId,
      shardId: r.shardId,
      volunteerId: r.volunteerId,
      sha256: r.sha256,
      status: r.status,
      reason: r.reason,
      createdAt: now,
    })),
  );
  await tx
    .update(leases)
    .set({ state: 'completed' })
    .where(
      inArray(
        leases.id,
        created.map((r) => r.leaseId),
      ),
    );
  for (const status of ['valid', 'invalid'] as const) {
    const changed = all.filter((r) => r.statusChanged && r.status === status);
    if (changed.length === 0) continue;
    await tx
      .update(results)
      .set({ status, reason: status === 'invalid' ? 'disagrees with the quorum' : null })
      .where(
        and(
          inArray(
            results.id,
            changed.map((r) => r.id),
          ),
          eq(results.status, 'pending'),
        ),
      );
  }

  await tx.execute(sql`
    UPDATE shards AS s SET
      status = v.status,
      results_count = v.results_count,
      best_agreeing = v.best_agreeing,
      canonical_sha256 = v.canonical_sha256
    FROM (VALUES ${sql.join(
      touched.map(
        (s) =>
          sql`(${s.id}::uuid, ${s.status}::text, ${s.resultsCount}::int, ${s.bestAgreeing}::int, ${s.canonicalSha256}::text)`,
      ),
      sql`, `,
    )}) AS v(id, status, results_count, best_agreeing, canonical_sha256)
    WHERE s.id = v.id
  `);

  // Credit: one ledger row per result that became valid, written with the verification itself.
  const credited = all.filter((r) => r.status === 'valid' && (r.isNew || r.statusChanged));
  if (credited.length > 0) {
    const workUnitsByShard = new Map(touched.map((s) => [s.id, s.workUnits]));
    const jobByShard = new Map(touched.map((s) => [s.id, s.jobId]));
    await tx.execute(sql`
      INSERT INTO credits (result_id, volunteer_id, job_id, site, work_units, created_at)
      SELECT v.result_id, v.volunteer_id, v.job_id, vol.site, v.work_units, ${now}
      FROM (VALUES ${sql.join(
        credited.map(
          (r) =>
            sql`(${r.id}::uuid, ${r.volunteerId}::uuid, ${jobByShard.get(r.shardId)!}::uuid, ${workUnitsByShard.get(r.shardId)!}::float8)`,
        ),
        sql`, `,
      )}) AS v(result_id, volunteer_id, job_id, work_units)
      JOIN volunteers vol ON vol.id = v.volunteer_id
      ON CONFLICT (result_id) DO NOTHING
    `);
    await payVerifiedResults(
      tx,
      credited.map((r) => ({
        resultId: r.id,
        volunteerId: r.volunteerId,
        jobId: jobByShard.get(r.shardId)!,
        workUnits: workUnitsByShard.get(r.shardId)!,
      })),
    );
  }

  // Counters on jobs, then volunteers, each in id order (a fixed lock order across transactions).
  const jobDelta = new Map<string, { verified: number; failed: number; failedIndex?: number }>();
  for (const s of touched) {
    const d = jobDelta.get(s.jobId) ?? { verified: 0, failed: 0 };
    if (s.status === 'verified' && s.initialStatus !== 'verified') d.verified += 1;
    if (s.status === 'failed' && s.initialStatus !== 'failed') {
      d.failed += 1;
      d.failedIndex = s.index;
    }
    jobDelta.set(s.jobId, d);
  }
  for (const jobId of [...jobDelta.keys()].sort()) {
    const d = jobDelta.get(jobId)!;
    if (d.verified === 0 && d.failed === 0) continue;
    const failedMessage =
      d.failedIndex === undefined
        ? null
        : `Shard ${d.failedIndex} received its maximum number of results without enough of them agreeing.`;
    const updated = await tx
      .update(jobs)
      .set({
        shardsVerified: sql`${jobs.shardsVerified} + ${d.verified}`,
        shardsFailed: sql`${jobs.shardsFailed} + ${d.failed}`,
        updatedAt: now,
        ...(failedMessage
          ? {
              status: sql`CASE WHEN ${jobs.status} IN ('queued', 'running') THEN 'failed' ELSE ${jobs.status} END`,
              error: sql`COALESCE(${jobs.error}, ${failedMessage})`,
              finishedAt: sql`COALESCE(${jobs.finishedAt}, ${now})`,
            }
          : {}),
      })
      .where(eq(jobs.id, jobId))
      .returning({ status: jobs.status, verified: jobs.shardsVerified, total: jobs.shardsTotal });
    const job = updated[0];
    if (job?.status === 'failed') await settleJobFunds(tx, jobId);
    if (job && job.status === 'running' && job.verified === job.total) await assembleJob(tx, jobId, now);
  }

  const volunteerDelta = new Map<string, { done: number; rejected: number }>();
  for (const r of all) {
    const becameValid = r.status === 'valid' && (r.isNew || r.statusChanged);
    const becameInvalid = r.status === 'invalid' && (r.isNew || r.statusChanged);
    if (!becameValid && !becameInvalid) continue;
    const d = volunteerDelta.get(r.volunteerId) ?? { done: 0, rejected: 0 };
    if (becameValid) d.done += 1;
    else d.rejected += 1;
    volunteerDelta.set(r.volunteerId, d);
  }
  for (const id of [...volunteerDelta.keys()].sort()) {
    const d = volunteerDelta.get(id)!;
    await tx.execute(sql`
      UPDATE volunteers SET shards_done = shards_done + ${d.done}, shards_rejected = shards_rejected + ${d.rejected}
      WHERE id = ${id}::uuid
    `);
  }
}
