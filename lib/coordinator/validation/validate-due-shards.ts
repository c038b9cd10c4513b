import { eq, inArray, sql } from 'drizzle-orm';
import { getBlobs } from '../../db/blobs';
import { type Db, queryRows } from '../../db/client';
import { leases, results, type ShardInputRef, volunteers } from '../../db/schema';
import { env } from '../../env';
import type { ResultStatus, ShardStatus } from '../../protocol/states';
import { clock } from '../clock';
import type { CpuPool } from '../pipeline/cpu-pool';
import { trustedActiveMs, trustedAfter } from '../reputation/trust-rules';
import { partyKeys } from './party-keys';
import { type VerdictWrite, writeVerdicts } from './write-verdicts';

export interface ValidateOptions {
  /** Most shards claimed at once. */
  batch: number;
  /** How long a claim keeps other validators off a shard (then a crashed validator's work is redone). */
  claimMs: number;
  /** Time budget for one shard's checks and comparisons. */
  budgetMs: number;
  /** Wait before looking again at a shard whose check or comparison could not run. */
  retryMs: number;
}

export function defaultValidateOptions(): ValidateOptions {
  return { batch: 256, claimMs: env().PIPELINE_CLAIM_SECONDS * 1000, budgetMs: 10_000, retryMs: 30_000 };
}

interface ClaimedShard {
  id: string;
  job_id: string;
  index: number;
  kernel: string;
  params: unknown;
  secret: unknown;
  inputs: ShardInputRef[];
  status: ShardStatus;
  quorum: number;
  max_results: number;
  results_count: number;
  canonical_sha256: string | null;
  work_units: number;
  trusted_volunteer_id: string | null;
  job_status: string;
  replication_max: number;
}

/**
 * One step of the validator (BOINC's `validator` daemon, driven by database state): claims shards
 * that are due (`validate_after` passed), runs each shard's checks and comparisons in the CPU pool,
 * and writes the verdicts. Safe to run twice and from many processes: claims are taken with
 * `FOR UPDATE SKIP LOCKED`, a claim lapses by itself, and the write re-checks that no result arrived
 * in between (it then leaves the shard due). Returns how many shards it claimed.
 */
export async function validateDueShards(
  db: Db,
  pool: CpuPool,
  options: ValidateOptions = defaultValidateOptions(),
): Promise<number> {
  const now = clock.now();
  const claim = new Date(now.getTime() + options.claimMs);
  const claimed = await queryRows<ClaimedShard>(
    db,
    sql`
      WITH due AS (
        SELECT id FROM shards WHERE validate_after <= ${now}
        ORDER BY validate_after LIMIT ${options.batch}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE shards s SET validate_after = ${claim}
      FROM due, jobs j
      WHERE s.id = due.id AND j.id = s.job_id
      RETURNING s.id, s.job_id, s.index, s.kernel, s.params, s.secret, s.inputs, s.status, s.quorum,
        s.max_results, s.results_count, s.canonical_sha256, s.work_units, s.trusted_volunteer_id,
        j.status AS job_status, j.replication_max
    `,
  );
  if (claimed.length === 0) return 0;

  const replicas = await db
    .select({
      id: results.id,
      shardId: results.shardId,
      volunteerId: results.volunteerId,
      sha256: results.sha256,
      status: results.status,
      checkVerdict: results.checkVerdict,
      networkPrefix: leases.networkPrefix,
      wallet: volunteers.address,
    })
    .from(results)
    .innerJoin(leases, eq(leases.id, results.leaseId))
    .innerJoin(volunteers, eq(volunteers.id, results.volunteerId))
    .where(
      inArray(
        results.shardId,
        claimed.map((s) => s.id),
      ),
    );
  const replicasByShard = new Map<string, typeof replicas>();
  for (const r of replicas) {
    const list = replicasByShard.get(r.shardId) ?? [];
    list.push(r);
    replicasByShard.set(r.shardId, list);
  }

  const standing = await trustStanding(
    db,
    now,
    [...new Set(claimed.map((s) => s.kernel))],
    [...new Set(replicas.map((r) => r.volunteerId))],
  );

  const live = claimed.filter(
    (s) => ['queued', 'running'].includes(s.job_status) && s.status !== 'cancelled' && s.status !== 'failed',
  );
  const needed = new Set<string>();
  for (const shard of live) {
    for (const ref of shard.inputs) needed.add(ref.sha256);
    if (shard.canonical_sha256) needed.add(shard.canonical_sha256);
    for (const r of replicasByShard.get(shard.id) ?? []) if (r.status !== 'invalid') needed.add(r.sha256);
  }
  const bytes = await getBlobs(db, needed);

  const writes: VerdictWrite[] = await Promise.all(
    claimed.map(async (shard): Promise<VerdictWrite> => {
      const list = replicasByShard.get(shard.id) ?? [];
      const parties = partyKeys(list);
      const base = {
        shardId: shard.id,
        jobId: shard.job_id,
        index: shard.index,
        kernel: shard.kernel,
        claim,
        workUnits: Number(shard.work_units),
        replicas: list.map((r) => ({
          id: r.id,
          volunteerId: r.volunteerId,
          status: r.status as ResultStatus,
        })),
      };
      if (!live.includes(shard)) return { ...base, kind: 'closed' };
      try {
        const decision = await pool.run(
          'validateShard',
          {
            kernel: shard.kernel,
            spec: {
              params: shard.params,
              secret: shard.secret,
              inputs: Object.fromEntries(shard.inputs.map((ref) => [ref.name, bytes.get(ref.sha256)!])),
            },
            shard: {
              status: shard.status,
              quorum: shard.quorum,
              maxResults: shard.max_results,
              resultsCap: Number(shard.replication_max) * 3,
              resultsCount: shard.results_count,
              canonicalSha256: shard.canonical_sha256,
              needsTrusted: standing.guarded.has(shard.kernel)
                ? new Set(
                    list
                      .filter((r) => standing.trusted.has(`${r.volunteerId}|${shard.kernel}`))
                      .map((r) => r.id),
                  )
                : null,
              trustedResultId: shard.trusted_volunteer_id
                ? (list.find((r) => r.volunteerId === shard.trusted_volunteer_id)?.id ?? null)
                : null,
            },
            replicas: list.map((r) => ({
              id: r.id,
              sha256: r.sha256,
              status: r.status,
              check: r.checkVerdict,
              party: parties.get(r.id),
            })),
            bytes: Object.fromEntries(
              list.filter((r) => bytes.has(r.sha256)).map((r) => [r.sha256, bytes.get(r.sha256)!]),
            ),
          },
          { timeoutMs: options.budgetMs },
        );
        return { ...base, kind: 'decided', decision };
      } catch (error) {
        console.error(
          `validator: shard ${shard.id} left undecided:`,
          error instanceof Error ? error.message : error,
        );
        return { ...base, kind: 'undecided' };
      }
    }),
  );
  await writeVerdicts(db, clock.now(), writes, options.retryMs);
  return claimed.length;
}

/**
 * Who is trusted, for "new identities are never the only replicas" (docs/trust.md): the kernels with
 * a trusted volunteer active in the last hour, and which of these replicas' volunteers are trusted.
 */
async function trustStanding(
  db: Db,
  now: Date,
  kernelNames: string[],
  volunteerIds: string[],
): Promise<{ guarded: Set<string>; trusted: Set<string> }> {
  if (kernelNames.length === 0) return { guarded: new Set(), trusted: new Set() };
  const kernelList = sql.join(
    kernelNames.map((k) => sql`${k}`),
    sql`, `,
  );
  const active = await queryRows<{ kernel: string }>(
    db,
    sql`SELECT DISTINCT kernel FROM reputations WHERE kernel IN (${kernelList})
        AND consecutive_valid >= ${trustedAfter} AND updated_at > ${new Date(now.getTime() - trustedActiveMs)}`,
  );
  if (active.length === 0 || volunteerIds.length === 0)
    return { guarded: new Set(active.map((r) => r.kernel)), trusted: new Set() };
  const trusted = await queryRows<{ volunteer_id: string; kernel: string }>(
    db,
    sql`SELECT volunteer_id, kernel FROM reputations WHERE kernel IN (${kernelList})
        AND consecutive_valid >= ${trustedAfter} AND volunteer_id IN (${sql.join(
          volunteerIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  return {
    guarded: new Set(active.map((r) => r.kernel)),
    trusted: new Set(trusted.map((r) => `${r.volunteer_id}|${r.kernel}`)),
  };
}
