import { randomInt } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import type { ShardInputRef } from '../../db/schema';
import { env } from '../../env';
import { isTrusted, knownAnswerProbability, trustedActiveMs, trustedAfter } from '../reputation/trust-rules';

/**
 * The trust rules a lease request is held to (docs/trust.md), as SQL predicates and small queries
 * for `leaseShards`: whom a replica may go to, when newcomers may hold one, and known-answer shards.
 */

/** Who asks for work, as the rules see it. */
export interface Requester {
  volunteerId: string;
  /** The worker's hardware class (`adapterClass`), for homogeneous redundancy. */
  adapterClass: string;
  /** The requester's network prefix (`networkPrefix`); null for loopback or an unknown address. */
  networkPrefix?: string | null;
  /** The requester's linked wallet (lower-case hex), if any. */
  wallet?: string | null;
}

/** Random draws of the scheduler; tests replace it to make a draw certain. */
export const leaseRandom = { next: (): number => randomInt(2 ** 47) / 2 ** 47 };

/** The requester's reputation per kernel, and the quorum kernels on which it may not complete a quorum alone. */
export interface Standing {
  /** Consecutive valid results per kernel. */
  cv: Map<string, number>;
  /** Kernels where the requester is not trusted while trusted volunteers are active there. */
  guarded: string[];
}

/** Reads the requester's reputations and the kernels where, untrusted, it may not complete a quorum. */
export async function loadStanding(
  tx: Tx,
  volunteerId: string,
  allowed: string[],
  now: Date,
): Promise<Standing> {
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
export function notOnlyNewcomers(guarded: string[], now: Date): SQL {
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
export async function pickKnownAnswer(
  tx: Tx,
  input: Requester,
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

export interface CandidateRow {
  id: string;
  job_id: string;
  kernel: string;
  params: unknown;
  inputs: ShardInputRef[];
  needs_homogeneous: boolean;
}

/**
 * Replicas of one shard go to different identities, linked wallets and network prefixes: no lease
 * of this shard may belong to this volunteer (ever), and no live or completed lease to a volunteer
 * from the same prefix or with the same wallet (at its lease time or linked since). A null prefix
 * (loopback, unknown address) or wallet constrains nothing but the identity.
 */
export function notSameBloc(input: Requester, now: Date): SQL {
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
