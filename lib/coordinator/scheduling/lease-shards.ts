import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { jobs, leases, type ShardInputRef } from '../../db/schema';
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

/**
 * Leases up to `max` shards to one volunteer in one transaction.
 *
 * A shard is leasable while its live leases plus its largest agreeing group are below its quorum,
 * and while the results it could still receive stay within `max_results`. Expired leases simply
 * stop counting as live, which is how work is re-issued. Rows are taken with
 * `FOR UPDATE SKIP LOCKED`, so coordinators sharing one Postgres never wait on each other; the unique
 * (shard, volunteer) index makes "never two replicas of one shard to one volunteer" a database fact,
 * not only a query filter.
 *
 * Shards whose kernel needs bit-exact agreement go only to workers of the adapter class of their
 * first replica (homogeneous redundancy).
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
  return db.transaction(async (tx) => {
    const live = sql`(SELECT count(*) FROM leases l WHERE l.shard_id = s.id AND l.state = 'active' AND l.deadline > ${now})`;
    const leasable = sql`s.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM leases mine WHERE mine.shard_id = s.id AND mine.volunteer_id = ${input.volunteerId})
        AND ${live} < s.quorum - s.best_agreeing
        AND s.results_count + ${live} < s.max_results
        AND (NOT s.needs_homogeneous OR s.adapter_class IS NULL OR s.adapter_class = ${input.adapterClass}
             OR (s.results_count = 0 AND ${live} = 0))`;
    const locked = await queryRows<{
      id: string;
      job_id: string;
      kernel: string;
      params: unknown;
      inputs: ShardInputRef[];
      needs_homogeneous: boolean;
    }>(
      tx,
      sql`
      SELECT s.id, s.job_id, s.kernel, s.params, s.inputs, s.needs_homogeneous
      FROM shards s
      JOIN jobs j ON j.id = s.job_id
      WHERE j.status IN ('queued', 'running')
        AND s.kernel IN (${sql.join(
          allowed.map((k) => sql`${k}`),
          sql`, `,
        )})
        AND ${leasable}
      ORDER BY j.created_at, s.index
      LIMIT ${input.max}
      FOR UPDATE OF s SKIP LOCKED
    `,
    );
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
    const jobIds = [...new Set(leased.map((l) => l.jobId))].sort();
    await tx
      .update(jobs)
      .set({ status: 'running', updatedAt: now })
      .where(sql`${inArray(jobs.id, jobIds)} AND ${jobs.status} = 'queued'`);
    return leased;
  });
}
