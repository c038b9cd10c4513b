import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { leases, type ShardInputRef } from '../../db/schema';
import { env } from '../../env';
import { kernels } from '../../kernels/registry';
import { clock } from '../clock';
import { skipReplicationProbability } from '../reputation/trust-rules';
import {
  type CandidateRow,
  leaseRandom,
  loadStanding,
  notOnlyNewcomers,
  notSameBloc,
  pickKnownAnswer,
  type Requester,
} from './lease-rules';

export interface LeaseRequestInput extends Requester {
  max: number;
  webgpu: boolean;
  kernels?: string[];
  leaseSeconds: number;
  /** Most live leases one volunteer may hold (MAX_LIVE_LEASES). */
  maxLive: number;
}

export interface LeasedShard {
  leaseId: string;
  jobId: string;
  shardId: string;
  kernel: string;
  params: unknown;
  inputs: ShardInputRef[];
  deadline: Date;
}

/** Suggested wait before asking again when there is no work. */
export const noWorkRetryAfterMs = 5_000;

/** Kernels this worker may run: the ones it asked for, minus those that need WebGPU when it has none. */
export function runnableKernels(webgpu: boolean, requested?: string[]): string[] {
  return Object.values(kernels)
    .filter((k) => webgpu || !k.requiresWebGPU)
    .map((k) => k.name)
    .filter((name) => !requested || requested.includes(name));
}

/** Candidate jobs per lease request in the fair pass (one per submitter, least recently served first). */
const fairJobs = 8;

interface FreshState {
  id: string;
  kernel: string;
  quorum: number;
  results_count: number;
  awaiting: number;
  live: number;
}

/**
 * Leases up to `max` shards to one volunteer in one transaction.
 *
 * A shard is leasable while its live leases, its stored-but-unvalidated results and its largest
 * agreeing group together stay below its quorum, and while the results it could still receive stay
 * within `max_results`. Expired leases simply stop counting as live, which is how work is re-issued.
 * A volunteer holds at most `maxLive` live leases.
 *
 * Fairness: work is first taken from up to eight jobs, one per submitter, least recently served
 * first, an even share of the request from each; only what that leaves unfilled comes from the oldest jobs.
 *
 * Rows are taken with `FOR UPDATE SKIP LOCKED`, so coordinators sharing one Postgres never wait on
 * each other; the unique (shard, volunteer) index makes "never two replicas of one shard to one
 * volunteer" a database fact, not only a query filter. Shards whose kernel needs bit-exact
 * agreement go only to workers of the adapter class of their first replica (homogeneous redundancy).
 *
 * Under READ COMMITTED the candidate query's snapshot may predate a lease another transaction
 * committed just before we locked the row, so the locked rows are checked again with a fresh
 * statement: every lease is inserted under its shard's row lock, so what that re-check sees cannot
 * change until we commit.
 */
export async function leaseShards(db: Db, input: LeaseRequestInput): Promise<LeasedShard[]> {
  const allowed = runnableKernels(input.webgpu, input.kernels);
  if (allowed.length === 0) return [];
  const now = clock.now();
  const deadline = new Date(now.getTime() + input.leaseSeconds * 1000);
  const kernelList = sql.join(
    allowed.map((k) => sql`${k}`),
    sql`, `,
  );
  return db.transaction(async (tx) => {
    const [held] = await queryRows<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM leases
          WHERE volunteer_id = ${input.volunteerId}::uuid AND state = 'active' AND deadline > ${now}`,
    );
    const want = Math.min(input.max, input.maxLive - Number(held?.n ?? 0));
    if (want <= 0) return [];
    const standing = await loadStanding(tx, input.volunteerId, allowed, now);
    const live = sql`(SELECT count(*) FROM leases l WHERE l.shard_id = s.id AND l.state = 'active' AND l.deadline > ${now})`;
    const leasable = sql`s.status = 'pending'
        AND ${notSameBloc(input, now)}
        AND ${live} + s.awaiting < s.quorum - s.best_agreeing
        AND s.results_count + ${live} < s.max_results
        AND (NOT s.needs_homogeneous OR s.adapter_class IS NULL OR s.adapter_class = ${input.adapterClass}
             OR (s.results_count = 0 AND ${live} = 0))
        AND ${notOnlyNewcomers(standing.guarded, now)}`;
    const picked = await queryRows<{
      id: string;
      status: string;
      shards_total: number;
      last_leased_at: Date | string | null;
      active: number;
    }>(
      tx,
      sql`
      WITH served AS (
        SELECT DISTINCT ON (j.owner_id) j.id, j.status, j.shards_total, j.last_leased_at, j.created_at,
               count(*) OVER ()::int AS active
        FROM jobs j
        WHERE j.status IN ('queued', 'running') AND j.kernel IN (${kernelList})
        ORDER BY j.owner_id, j.last_leased_at NULLS FIRST, j.created_at
      )
      SELECT id, status, shards_total, last_leased_at, active FROM served
      ORDER BY last_leased_at NULLS FIRST, created_at LIMIT ${fairJobs}
    `,
    );
    const knownAnswer = await pickKnownAnswer(tx, input, picked, standing, now);
    const wantFresh = want - (knownAnswer ? 1 : 0);
    const perJob = Math.ceil(Math.max(1, wantFresh) / Math.max(1, picked.length));
    // Random choice, not first-come: each job's shards are taken from a random index onwards, then
    // (when that does not fill the share) from the start up to it. Both walk the partial index on
    // (job_id, index), so no lease sorts a whole job; a bloc cannot pick which shards it gets.
    const starts = picked.map((p) => Math.floor(leaseRandom.next() * Math.max(1, Number(p.shards_total))));
    // Each job's share is `perJob`; the second pass only tops up what the first left of it.
    const fairPass = (from: 'after' | 'before', taken: CandidateRow[], limit: number) =>
      queryRows<CandidateRow>(
        tx,
        sql`
      SELECT c.* FROM (VALUES ${sql.join(
        picked.map(
          (p, i) =>
            sql`(${p.id}::uuid, ${i}::int, ${starts[i]!}::int, ${Math.max(0, perJob - taken.filter((r) => r.job_id === p.id).length)}::int)`,
        ),
        sql`, `,
      )}) AS p(id, rank, start, quota) CROSS JOIN LATERAL (
        SELECT s.id, s.job_id, s.kernel, s.params, s.inputs, s.needs_homogeneous
        FROM shards s
        WHERE s.job_id = p.id AND ${from === 'after' ? sql`s.index >= p.start` : sql`s.index < p.start`}
          AND ${leasable}
          ${
            taken.length
              ? sql`AND s.id NOT IN (${sql.join(
                  taken.map((r) => sql`${r.id}::uuid`),
                  sql`, `,
                )})`
              : sql``
          }
        ORDER BY s.index
        LIMIT p.quota
        FOR UPDATE OF s SKIP LOCKED
      ) c
      LIMIT ${limit}
    `,
      );
    let locked: CandidateRow[] =
      picked.length === 0 || wantFresh === 0 ? [] : await fairPass('after', [], wantFresh);
    if (picked.length > 0 && locked.length < wantFresh)
      locked = [...locked, ...(await fairPass('before', locked, wantFresh - locked.length))];
    // What the fair pass left unfilled comes from the oldest jobs — unless it already read every
    // active job to the end (each gave fewer than its share), when there is nothing more to find.
    const exhausted =
      picked.length === Number(picked[0]?.active ?? 0) &&
      picked.every((p) => locked.filter((r) => r.job_id === p.id).length < perJob);
    if (locked.length < wantFresh && !exhausted) {
      const taken = locked.map((r) => sql`${r.id}::uuid`);
      const fill = await queryRows<CandidateRow>(
        tx,
        sql`
        SELECT s.id, s.job_id, s.kernel, s.params, s.inputs, s.needs_homogeneous
        FROM shards s
        JOIN jobs j ON j.id = s.job_id
        WHERE j.status IN ('queued', 'running')
          AND s.kernel IN (${kernelList})
          AND ${leasable}
          ${taken.length ? sql`AND s.id NOT IN (${sql.join(taken, sql`, `)})` : sql``}
        ORDER BY j.created_at, s.index
        LIMIT ${wantFresh - locked.length}
        FOR UPDATE OF s SKIP LOCKED
      `,
      );
      locked = [...locked, ...fill];
    }
    const fresh =
      locked.length === 0
        ? []
        : await queryRows<FreshState>(
            tx,
            sql`SELECT s.id, s.kernel, s.quorum, s.results_count, s.awaiting, ${live}::int AS live
                FROM shards s WHERE s.id IN (${sql.join(
                  locked.map((r) => sql`${r.id}::uuid`),
                  sql`, `,
                )}) AND ${leasable}`,
          );
    const stillLeasable = new Map(fresh.map((r) => [r.id, r]));
    // A known-answer shard looks like any other lease; it is appended at a random position.
    const rows = locked.filter((r) => stillLeasable.has(r.id));
    if (knownAnswer) rows.splice(Math.floor(leaseRandom.next() * (rows.length + 1)), 0, knownAnswer);
    if (rows.length === 0) return [];
    const leased = rows.map((row) => ({
      leaseId: randomUUID(),
      jobId: row.job_id,
      shardId: row.id,
      kernel: row.kernel,
      params: row.params,
      inputs: row.inputs,
      deadline,
    }));
    await tx.insert(leases).values(
      leased.map((l) => ({
        id: l.leaseId,
        shardId: l.shardId,
        jobId: l.jobId,
        volunteerId: input.volunteerId,
        adapterClass: input.adapterClass,
        networkPrefix: input.networkPrefix ?? null,
        wallet: input.wallet ?? null,
        deadline,
        createdAt: now,
      })),
    );
    // Adaptive replication: a volunteer trusted on the kernel taking the first replica of a quorum
    // shard may carry it alone, with probability 1 − 1/CV up to ADAPTIVE_REPLICATION_MAX_SKIP (0,
    // off, by default; docs/trust.md).
    const alone = rows.filter((r) => {
      const f = stillLeasable.get(r.id);
      if (!f || f.quorum < 2 || f.results_count > 0 || f.awaiting > 0 || Number(f.live) > 0) return false;
      const p = Math.min(
        env().ADAPTIVE_REPLICATION_MAX_SKIP,
        skipReplicationProbability(standing.cv.get(f.kernel) ?? 0),
      );
      return p > 0 && leaseRandom.next() < p;
    });
    if (alone.length > 0) {
      await tx.execute(sql`
        UPDATE shards SET quorum = 1, trusted_volunteer_id = ${input.volunteerId}::uuid
        WHERE id IN (${sql.join(
          alone.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )})
      `);
    }
    // The first replica of a homogeneous shard fixes its class (or re-fixes it, when every earlier
    // lease lapsed without a result). Most batches have none: no statement then.
    const homogeneous = rows.filter((r) => r.needs_homogeneous);
    if (homogeneous.length > 0) {
      await tx.execute(sql`
        UPDATE shards SET adapter_class = ${input.adapterClass}
        WHERE id IN (${sql.join(
          homogeneous.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )}) AND adapter_class IS DISTINCT FROM ${input.adapterClass}
      `);
    }
    // A job's row is written when it starts running, and otherwise only to move its
    // `last_leased_at` (the fair pass's order) once it is a second old, and only when no other
    // transaction holds the row: concurrent leases of one job never queue behind its row lock.
    const leasedJobs = [...new Set(leased.map((l) => l.jobId))].sort();
    const queued = new Set(picked.filter((p) => p.status === 'queued').map((p) => p.id));
    const starting = leasedJobs.filter((id) => queued.has(id) || !picked.some((p) => p.id === id));
    if (starting.length > 0)
      await tx.execute(sql`
        UPDATE jobs SET status = CASE WHEN status = 'queued' THEN 'running' ELSE status END,
          updated_at = CASE WHEN status = 'queued' THEN ${now}::timestamptz ELSE updated_at END,
          last_leased_at = ${now}
        WHERE id IN (${sql.join(
          starting.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
      `);
    const servedBefore = new Date(now.getTime() - 1000);
    const stale = picked
      .filter((p) => leasedJobs.includes(p.id) && !queued.has(p.id))
      .filter((p) => p.last_leased_at === null || new Date(p.last_leased_at) < servedBefore)
      .map((p) => sql`${p.id}::uuid`);
    if (stale.length > 0)
      await tx.execute(sql`
        UPDATE jobs SET last_leased_at = ${now}
        WHERE id IN (
          SELECT id FROM jobs WHERE id IN (${sql.join(stale, sql`, `)})
            AND (last_leased_at IS NULL OR last_leased_at < ${servedBefore})
          FOR UPDATE SKIP LOCKED
        )
      `);
    return leased;
  });
}
