import { randomInt, randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client';
import { leases, type ShardInputRef } from '../../db/schema';
import { env } from '../../env';
import { kernels } from '../../kernels/registry';
import { clock } from '../clock';
import {
  isTrusted,
  knownAnswerProbability,
  skipReplicationProbability,
  trustedActiveMs,
  trustedAfter,
} from '../reputation/trust-rules';

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
  /** The requester's network prefix (`networkPrefix`); null for loopback or an unknown address. */
  networkPrefix?: string | null;
  /** The requester's linked wallet (lower-case hex), if any. */
  wallet?: string | null;
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

/** Random draws of the scheduler; tests replace it to make a draw certain. */
export const leaseRandom = { next: (): number => randomInt(2 ** 47) / 2 ** 47 };

interface FreshState {
  id: string;
  kernel: string;
  quorum: number;
  results_count: number;
  awaiting: number;
  live: number;
}

/** The requester's reputation per kernel, and the quorum kernels on which it may not complete a quorum alone. */
interface Standing {
  /** Consecutive valid results per kernel. */
  cv: Map<string, number>;
  /** Kernels where the requester is not trusted while trusted volunteers are active there. */
  guarded: string[];
}

async function loadStanding(tx: Tx, volunteerId: string, allowed: string[], now: Date): Promise<Standing> {
  const mine = await queryRows<{ kernel: string; consecutive_valid: number }>(
    tx,
    sql`SELECT kernel, consecutive_valid FROM reputations WHERE volunteer_id = ${volunteerId}::uuid`,
  );
  const cv = new Map(mine.map((r) => [r.kernel, Number(r.consecutive_valid)]));
  const untrusted = allowed.filter((k) => !isTrusted(cv.get(k) ?? 0));
  if (untrusted.length === 0) return { cv, guarded: [] };
  const active = await queryRows<{ kernel: string }>(
    tx,
    sql`SELECT DISTINCT kernel FROM reputations
        WHERE kernel IN (${sql.join(
          untrusted.map((k) => sql`${k}`),
          sql`, `,
        )}) AND updated_at > ${new Date(now.getTime() - trustedActiveMs)} AND consecutive_valid >= ${trustedAfter}`,
  );
  return { cv, guarded: active.map((r) => r.kernel) };
}

/**
 * New identities are never the only replicas of a quorum shard: on a kernel where the requester is
 * not trusted while trusted volunteers are active, it may take a replica only while fewer than
 * quorum − 1 untrusted volunteers hold or held (with a result) one, so at least one member of every
 * possible quorum is trusted; the validator also verifies only groups that hold a trusted result
 * (`needsTrusted` in decide-shard.ts). Where nobody is trusted yet (a new deployment, a development
 * machine) quorums form as before.
 */
function notOnlyNewcomers(guarded: string[], now: Date): SQL {
  if (guarded.length === 0) return sql`true`;
  return sql`(s.quorum < 2 OR s.kernel NOT IN (${sql.join(
    guarded.map((k) => sql`${k}`),
    sql`, `,
  )})
    OR (SELECT count(*) FROM leases t LEFT JOIN reputations rp ON rp.volunteer_id = t.volunteer_id AND rp.kernel = s.kernel
        WHERE t.shard_id = s.id AND (t.state = 'completed' OR (t.state = 'active' AND t.deadline > ${now}))
          AND COALESCE(rp.consecutive_valid, 0) < ${trustedAfter}) < s.quorum - 1)`;
}

/**
 * Known-answer shards (docs/trust.md): with probability rate × 10 / (10 + CV) a lease request also
 * gets one shard that is already verified, re-issued as it was first issued (same lease shape), from
 * one of the jobs this request may be served, while that job still has unverified shards (so its
 * progress does not give it away). Its result is judged against the verified one: a wrong answer is
 * `invalid` and resets the volunteer's reputation; the job output never changes.
 */
async function pickKnownAnswer(
  tx: Tx,
  input: LeaseRequestInput,
  picked: { id: string; shards_total: number }[],
  standing: Standing,
  now: Date,
): Promise<CandidateRow | undefined> {
  const rate = env().KNOWN_ANSWER_RATE;
  if (rate <= 0 || picked.length === 0 || leaseRandom.next() >= rate) return undefined;
  const job = picked[Math.floor(leaseRandom.next() * picked.length)]!;
  const start = Math.floor(leaseRandom.next() * Math.max(1, Number(job.shards_total)));
  for (const from of ['after', 'before'] as const) {
    const [row] = await queryRows<CandidateRow>(
      tx,
      sql`
        SELECT s.id, s.job_id, s.kernel, s.params, s.inputs, s.needs_homogeneous
        FROM shards s JOIN jobs j ON j.id = s.job_id
        WHERE s.job_id = ${job.id}::uuid AND j.status = 'running' AND j.assemble_after IS NULL
          AND j.shards_verified < j.shards_total
          AND s.status = 'verified' AND s.canonical_sha256 IS NOT NULL
          AND ${from === 'after' ? sql`s.index >= ${start}` : sql`s.index < ${start}`}
          AND (NOT s.needs_homogeneous OR s.adapter_class IS NULL OR s.adapter_class = ${input.adapterClass})
          AND ${notSameBloc(input, now)}
        ORDER BY s.index
        LIMIT 1
        FOR UPDATE OF s SKIP LOCKED
      `,
    );
    if (row) {
      // The draw above used the highest rate; keep the shard with the share its kernel's CV allows.
      const p = knownAnswerProbability(standing.cv.get(row.kernel) ?? 0, rate);
      return leaseRandom.next() < p / rate ? row : undefined;
    }
  }
  return undefined;
}

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

/**
 * Replicas of one shard go to different identities, linked wallets and network prefixes: no lease
 * of this shard may belong to this volunteer (ever), and no live or completed lease to a volunteer
 * from the same prefix or with the same wallet (at its lease time or linked since). A null prefix
 * (loopback, unknown address) or wallet constrains nothing but the identity.
 */
function notSameBloc(input: LeaseRequestInput, now: Date): SQL {
  const alike: SQL[] = [];
  if (input.networkPrefix) alike.push(sql`o.network_prefix = ${input.networkPrefix}`);
  if (input.wallet) {
    alike.push(sql`o.wallet = ${input.wallet}`);
    alike.push(
      sql`EXISTS (SELECT 1 FROM volunteers ov WHERE ov.id = o.volunteer_id AND ov.address = ${input.wallet})`,
    );
  }
  const bloc =
    alike.length === 0
      ? sql``
      : sql` OR ((o.state = 'completed' OR (o.state = 'active' AND o.deadline > ${now})) AND (${sql.join(alike, sql` OR `)}))`;
  return sql`NOT EXISTS (SELECT 1 FROM leases o WHERE o.shard_id = s.id AND (o.volunteer_id = ${input.volunteerId}${bloc}))`;
}
