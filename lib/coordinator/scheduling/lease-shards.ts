import { randomInt, randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { leases, type ShardInputRef } from '../../db/schema';
import { kernels } from '../../kernels/registry';
import { clock } from '../clock';

export interface LeaseRequestInput {
  volunteerId: string;
  max: number;
  webgpu: boolean;
  kernels?: string[];
  /** The worker's hardware class (`adapterClass`), for homogeneous redundancy. */
  adapterClass: string;
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

interface CandidateRow {
  id: string;
  job_id: string;
  kernel: string;
  params: unknown;
  inputs: ShardInputRef[];
  needs_homogeneous: boolean;
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
    const live = sql`(SELECT count(*) FROM leases l WHERE l.shard_id = s.id AND l.state = 'active' AND l.deadline > ${now})`;
    const leasable = sql`s.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM leases mine WHERE mine.shard_id = s.id AND mine.volunteer_id = ${input.volunteerId})
        AND ${live} + s.awaiting < s.quorum - s.best_agreeing
        AND s.results_count + ${live} < s.max_results
        AND (NOT s.needs_homogeneous OR s.adapter_class IS NULL OR s.adapter_class = ${input.adapterClass}
             OR (s.results_count = 0 AND ${live} = 0))`;
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
    const perJob = Math.ceil(want / Math.max(1, picked.length));
    // Each job is read from a random shard onwards (then from its start up to there): a bloc of
    // identities asking together cannot line up on the same shards, and a lease does not re-examine
    // the run of already leased shards at the front of a job.
    const starts = picked.map((p) => ({ id: p.id, start: randomInt(Math.max(1, p.shards_total)) }));
    const fairPass = (range: SQL, from: typeof starts, limit: number) =>
      from.length === 0 || limit <= 0
        ? Promise.resolve<CandidateRow[]>([])
        : queryRows<CandidateRow>(
            tx,
            sql`
      SELECT c.* FROM (VALUES ${sql.join(
        from.map((p, i) => sql`(${p.id}::uuid, ${i}::int, ${p.start}::int)`),
        sql`, `,
      )}) AS p(id, rank, start) CROSS JOIN LATERAL (
        SELECT s.id, s.job_id, s.kernel, s.params, s.inputs, s.needs_homogeneous
        FROM shards s
        WHERE s.job_id = p.id AND ${range} AND ${leasable}
        ORDER BY s.index
        LIMIT ${perJob}
        FOR UPDATE OF s SKIP LOCKED
      ) c
      LIMIT ${limit}
    `,
          );
    const fair = await fairPass(sql`s.index >= p.start`, starts, want);
    if (fair.length < want) {
      const first = new Map<string, number>();
      for (const row of fair) first.set(row.job_id, (first.get(row.job_id) ?? 0) + 1);
      const short = starts.filter((p) => (first.get(p.id) ?? 0) < perJob && p.start > 0);
      fair.push(...(await fairPass(sql`s.index < p.start`, short, want - fair.length)));
    }
    // What the fair pass left unfilled comes from the oldest jobs — unless it already read every
    // active job to the end (each gave fewer than its share), when there is nothing more to find.
    const perJobTaken = new Map<string, number>();
    for (const row of fair) perJobTaken.set(row.job_id, (perJobTaken.get(row.job_id) ?? 0) + 1);
    const exhausted =
      picked.length === Number(picked[0]?.active ?? 0) &&
      picked.every((p) => (perJobTaken.get(p.id) ?? 0) < perJob);
    let locked = fair;
    if (locked.length < want && !exhausted) {
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
        LIMIT ${want - locked.length}
        FOR UPDATE OF s SKIP LOCKED
      `,
      );
      locked = [...locked, ...fill];
    }
    if (locked.length === 0) return [];
    const stillLeasable = new Set(
      (
        await queryRows<{ id: string }>(
          tx,
          sql`SELECT s.id FROM shards s WHERE s.id IN (${sql.join(
            locked.map((r) => sql`${r.id}::uuid`),
            sql`, `,
          )}) AND ${leasable}`,
        )
      ).map((r) => r.id),
    );
    const rows = locked.filter((r) => stillLeasable.has(r.id));
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
        deadline,
        createdAt: now,
      })),
    );
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
