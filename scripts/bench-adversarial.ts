import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { clock } from '../lib/coordinator/clock';
import { registerVolunteer } from '../lib/coordinator/identity/register-volunteer';
import { createJob } from '../lib/coordinator/jobs/create-job';
import { drainPipeline } from '../lib/coordinator/pipeline/run-pipeline';
import { leaseShards } from '../lib/coordinator/scheduling/lease-shards';
import { acceptResults } from '../lib/coordinator/validation/accept-results';
import { getBlobs } from '../lib/db/blobs';
import { type Db, openDb, queryRows, setDbHandle } from '../lib/db/client';
import type { ShardInputRef } from '../lib/db/schema';
import type { ShardSpec } from '../lib/kernels/kernel';
import { writeNpy } from '../lib/kernels/npy';
import { getKernel } from '../lib/kernels/registry';

/**
 * `npm run bench:adversarial`: simulated volunteers against the real coordinator in-process (the
 * lease, accept and validation code, on an embedded PGlite), with a colluding bloc of 10 %, 20 % and
 * 30 % of the population playing one of three strategies on one job of `--kernel`:
 * `mandelbrot` (default; a quorum kernel: nothing proves a tile alone) or `matmul` (Freivalds proves
 * each tile alone, so one replica is enough):
 *
 * - `lazy`: new identities doing a fraction of the work (mandelbrot: iterating only to maxIter/10;
 *   matmul: summing only the first tenth of the inner dimension);
 * - `identical-wrong`: new identities all returning the same forged tile (the honest tile with two
 *   values changed — for mandelbrot it passes the sampled check, so only replicas can tell);
 * - `honest-then-cheat`: identities that earned trust with an honest history (seeded reputation, as
 *   an accelerated clock would give them) and now all return the same forged tile.
 *
 * Honest volunteers start with an honest history (10–30 consecutive valid results on the kernel).
 * Every identity has its own /24 and no wallet: the bloc is spread as widely as it could be, so the
 * prefix rule gives it nothing and what is measured is reputation, adaptive replication and
 * known-answer shards. Printed per case: wrong results accepted (count, per million shards), the
 * bloc's share of credit, and compute ÷ useful (results computed ÷ shards).
 *
 * Options: --kernel mandelbrot|matmul, --volunteers N (1000), --tiles N (edge of the tile grid,
 * 32 → 1024 shards), --cases a,b,
 * --fractions 0.1,0.2 (bloc sizes), --verbose (progress per round on stderr).
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const volunteersTotal = option('volunteers', 1000);
const tilesEdge = option('tiles', 32);
const caseFilter = args.includes('--cases') ? args[args.indexOf('--cases') + 1]!.split(',') : undefined;
const fractions = args.includes('--fractions')
  ? args[args.indexOf('--fractions') + 1]!.split(',').map(Number)
  : [0.1, 0.2, 0.3];
const verbose = args.includes('--verbose');

type Strategy = 'lazy' | 'identical-wrong' | 'honest-then-cheat';
const kernelName = args.includes('--kernel') ? args[args.indexOf('--kernel') + 1]! : 'mandelbrot';
const kernel = getKernel(kernelName)!;
const tile = 16;

/** What the bench runs: the job, and the three kinds of answer a volunteer may give for a shard. */
interface Workload {
  params: Record<string, unknown>;
  inputs: Record<string, Uint8Array>;
  describe: string;
  /** The answer of a volunteer who skips most of the work. */
  lazy(spec: ShardSpec<unknown>): Uint8Array;
  /** Two values of the honest answer changed, the same for every bloc member. */
  forge(honest: Uint8Array): Uint8Array;
}

function seeded(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = (x / 2 ** 32) * 2 - 1;
  }
  return out;
}

function workload(): Workload {
  if (kernelName === 'matmul') {
    const m = tile * tilesEdge;
    const k = 64;
    return {
      params: { m, n: m, k, tileRows: tile, tileCols: tile },
      inputs: { a: writeNpy(m, k, seeded(m * k, 7)), b: writeNpy(k, m, seeded(k * m, 11)) },
      describe: `matmul ${m}×${k}·${k}×${m}`,
      lazy: (spec) => {
        // The product over the first tenth of the inner dimension only.
        const p = spec.params as { k: number };
        const part = Math.max(1, Math.floor(p.k / 10));
        const a = spec.inputs.a!;
        const rows = a.length / 4 / p.k;
        const cut = new Float32Array(rows * p.k);
        const full = new Float32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
        for (let r = 0; r < rows; r++) for (let c = 0; c < part; c++) cut[r * p.k + c] = full[r * p.k + c]!;
        return kernel.reference({ ...spec, inputs: { ...spec.inputs, a: new Uint8Array(cut.buffer) } });
      },
      forge: (honest) => {
        const out = new Uint8Array(honest);
        const view = new DataView(out.buffer);
        for (const at of [0, out.length - 4]) view.setFloat32(at, view.getFloat32(at, true) + 1, true);
        return out;
      },
    };
  }
  const params = {
    width: tile * tilesEdge,
    height: tile * tilesEdge,
    centerX: -0.6,
    centerY: 0,
    scale: 2.8,
    maxIter: 64,
    tileSize: tile,
  };
  return {
    params,
    inputs: {},
    describe: `mandelbrot ${params.width}×${params.height}`,
    lazy: (spec) => {
      const p = spec.params as typeof params;
      return kernel.reference({
        params: { ...p, maxIter: Math.max(1, Math.floor(p.maxIter / 10)) },
        inputs: {},
      });
    },
    forge: (honest) => {
      const out = new Uint8Array(honest);
      const view = new DataView(out.buffer);
      // Two pixels (one may differ between honest GPUs), the same for every bloc member.
      for (const at of [Math.floor(out.length / 8) * 4, Math.floor(out.length / 6) * 4])
        view.setUint32(at, view.getUint32(at, true) === 0 ? 7 : 0, true);
      return out;
    },
  };
}
const work = workload();

interface Sim {
  id: string;
  bloc: boolean;
  prefix: string;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function runCase(strategy: Strategy, fraction: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sc-adversarial-'));
  const handle = await openDb({ dataDir: dir });
  setDbHandle(handle);
  const db: Db = handle.db;
  try {
    const owner = await registerVolunteer(db, {});
    const sims: Sim[] = [];
    const blocSize = Math.round(volunteersTotal * fraction);
    for (let i = 0; i < volunteersTotal; i++) {
      const prefix = `v4:10.${Math.floor(i / 256)}.${i % 256}`;
      const { volunteerId } = await registerVolunteer(db, { networkPrefix: prefix });
      sims.push({ id: volunteerId, bloc: i < blocSize, prefix });
    }
    // Honest history (and the honest-then-cheat bloc's): 10–30 consecutive valid results.
    const seeded = sims.filter((s) => !s.bloc || strategy === 'honest-then-cheat');
    for (let i = 0; i < seeded.length; i += 500) {
      await db.execute(sql`
        INSERT INTO reputations (volunteer_id, kernel, consecutive_valid, updated_at)
        VALUES ${sql.join(
          seeded
            .slice(i, i + 500)
            .map(
              (s) =>
                sql`(${s.id}::uuid, ${kernelName}, ${10 + Math.floor(Math.random() * 21)}, ${clock.now()})`,
            ),
          sql`, `,
        )}`);
    }
    const job = await createJob(db, {
      ownerId: owner.volunteerId,
      kernel: kernelName,
      params: work.params,
      inputs: work.inputs,
      visibility: 'public',
    });
    // Each shard's spec (params and input bytes, as a worker gets them) and honest answer.
    const specs = new Map<string, ShardSpec<unknown>>();
    for (const row of await queryRows<{ id: string; params: unknown; inputs: ShardInputRef[] }>(
      db,
      sql`SELECT id, params, inputs FROM shards WHERE job_id = ${job.jobId}::uuid`,
    )) {
      const bytes = await getBlobs(
        db,
        row.inputs.map((ref) => ref.sha256),
      );
      specs.set(row.id, {
        params: row.params,
        inputs: Object.fromEntries(row.inputs.map((ref) => [ref.name, bytes.get(ref.sha256)!])),
      });
    }
    const honestCache = new Map<string, Uint8Array>();
    const honestAnswer = (shardId: string) => {
      let bytes = honestCache.get(shardId);
      if (!bytes) {
        bytes = kernel.reference(specs.get(shardId)!);
        honestCache.set(shardId, bytes);
      }
      return bytes;
    };
    let computed = 0;
    let computedHonestly = 0;
    const started = Date.now();
    let lastSettled = -1;
    let stalledRounds = 0;
    for (let round = 0; round < 60; round++) {
      const [state] = await queryRows<{ status: string }>(
        db,
        sql`SELECT status FROM jobs WHERE id = ${job.jobId}::uuid`,
      );
      if (state!.status !== 'running' && state!.status !== 'queued') break;
      const counts = await queryRows<{ status: string; n: number }>(
        db,
        sql`SELECT status, count(*)::int AS n FROM shards WHERE job_id = ${job.jobId}::uuid GROUP BY 1`,
      );
      if (verbose)
        console.error(
          `round ${round} ${Math.round((Date.now() - started) / 1000)} s`,
          JSON.stringify(counts),
        );
      // A job that makes no progress while volunteers ask for work is a liveness bug: show why.
      const settled = counts.filter((c) => c.status !== 'pending').reduce((a, c) => a + c.n, 0);
      stalledRounds = settled === lastSettled ? stalledRounds + 1 : 0;
      lastSettled = settled;
      if (stalledRounds >= 3) {
        const stuck = await queryRows(
          db,
          sql`SELECT s.index, s.quorum, s.best_agreeing, s.awaiting, s.results_count, s.max_results,
                (SELECT json_agg(json_build_object('status', r.status, 'check', r.check_verdict,
                  'sha256', left(r.sha256, 8), 'volunteer', left(r.volunteer_id::text, 8))) FROM results r
                  WHERE r.shard_id = s.id) AS results
              FROM shards s WHERE s.job_id = ${job.jobId}::uuid AND s.status = 'pending' LIMIT 5`,
        );
        const [held] = await queryRows<{ full: number; active: number }>(
          db,
          sql`SELECT count(*) FILTER (WHERE n >= 4)::int AS full, coalesce(sum(n), 0)::int AS active FROM (
                SELECT volunteer_id, count(*) AS n FROM leases WHERE state = 'active' GROUP BY 1) t`,
        );
        console.error(
          'stalled: no shard settled in 3 rounds; pending shards:',
          JSON.stringify(stuck),
          'leases:',
          JSON.stringify(held),
        );
        // What an honest volunteer's request gets now, and what it holds.
        const probe = sims.find((x) => !x.bloc)!;
        const got = await leaseShards(db, {
          volunteerId: probe.id,
          max: 1,
          webgpu: true,
          adapterClass: 'cpu',
          leaseSeconds: 3600,
          maxLive: 4,
          networkPrefix: probe.prefix,
          wallet: null,
        });
        const mine = await queryRows(
          db,
          sql`SELECT state, shard_id, deadline FROM leases WHERE volunteer_id = ${probe.id}::uuid`,
        );
        console.error(
          'an honest lease request got:',
          JSON.stringify(got),
          'its leases:',
          JSON.stringify(mine),
        );
        break;
      }
      for (const sim of shuffle([...sims])) {
        const leased = await leaseShards(db, {
          volunteerId: sim.id,
          max: 1,
          webgpu: true,
          adapterClass: 'cpu',
          leaseSeconds: 3600,
          maxLive: 4,
          networkPrefix: sim.prefix,
          wallet: null,
        });
        if (leased.length === 0) continue;
        const parts = leased.map((l) => {
          const honest = honestAnswer(l.shardId);
          computed += 1;
          if (!sim.bloc) {
            computedHonestly += 1;
            return { leaseId: l.leaseId, bytes: honest };
          }
          if (strategy === 'lazy') return { leaseId: l.leaseId, bytes: work.lazy(specs.get(l.shardId)!) };
          return { leaseId: l.leaseId, bytes: work.forge(honest) };
        });
        await acceptResults(db, sim.id, parts);
      }
      await drainPipeline(db, { timeoutMs: 600_000 });
    }
    const shards = await queryRows<{
      id: string;
      params: unknown;
      status: string;
      canonical_sha256: string | null;
    }>(db, sql`SELECT id, params, status, canonical_sha256 FROM shards WHERE job_id = ${job.jobId}::uuid`);
    // Wrong = the verified result does not agree, by the kernel's own comparison, with the honest tile.
    const canon = await getBlobs(
      db,
      shards.flatMap((s) => (s.canonical_sha256 ? [s.canonical_sha256] : [])),
    );
    let wrong = 0;
    let verified = 0;
    for (const s of shards) {
      if (s.status !== 'verified') continue;
      verified += 1;
      if (!kernel.verify.compare(specs.get(s.id)!, canon.get(s.canonical_sha256!)!, honestAnswer(s.id)))
        wrong += 1;
    }
    const credit = await queryRows<{ bloc: boolean; units: number }>(
      db,
      sql`SELECT (c.volunteer_id IN (${sql.join(
        sims.filter((s) => s.bloc).map((s) => sql`${s.id}::uuid`),
        sql`, `,
      )})) AS bloc, sum(c.work_units)::float8 AS units FROM credits c GROUP BY 1`,
    );
    const blocUnits = Number(credit.find((c) => c.bloc)?.units ?? 0);
    const allUnits = credit.reduce((a, c) => a + Number(c.units), 0);
    const [final] = await queryRows<{ status: string }>(
      db,
      sql`SELECT status FROM jobs WHERE id = ${job.jobId}::uuid`,
    );
    return {
      strategy,
      bloc: `${Math.round(fraction * 100)} %`,
      job: final!.status,
      shards: shards.length,
      verified,
      wrongAccepted: wrong,
      perMillion: Math.round((wrong / Math.max(1, verified)) * 1e6),
      blocCreditShare: `${((blocUnits / Math.max(1e-9, allUnits)) * 100).toFixed(2)} %`,
      computeOverUseful: (computed / shards.length).toFixed(3),
      honestComputeOverUseful: (computedHonestly / shards.length).toFixed(3),
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await handle.close();
    setDbHandle(undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:adversarial — ${volunteersTotal} volunteers, ${work.describe} in ${tilesEdge * tilesEdge} tiles, run ${randomUUID().slice(0, 8)}`,
  );
  const rows = [];
  for (const strategy of ['lazy', 'identical-wrong', 'honest-then-cheat'] as const) {
    if (caseFilter && !caseFilter.includes(strategy)) continue;
    for (const fraction of fractions) {
      const row = await runCase(strategy, fraction);
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
  console.table(rows);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
