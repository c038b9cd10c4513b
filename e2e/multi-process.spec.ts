import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { writeNpy } from '../lib/kernels/npy';
import { getKernel } from '../lib/kernels/registry';
import { createTestDatabase, startThrowawayPostgres } from '../scripts/throwaway-postgres';

/**
 * Several processes on one real Postgres server, as a deployment runs them: two coordinators
 * (`next start` of the production build, PIPELINE_IN_PROCESS=false) and two pipeline workers
 * (`npm run worker`). Simulated volunteers speak HTTP to both coordinators and compute with the
 * kernels' CPU references. Mid-job one coordinator and one worker are SIGKILLed: every result a
 * coordinator acknowledged must still be there, the jobs must finish with the right output, and
 * nothing may be credited twice. No browser: this is about the server side.
 */
test.describe.configure({ mode: 'serial' });

const root = process.cwd();
const children: ChildProcess[] = [];
let stopPostgres: (() => void) | undefined;
let databaseUrl = '';

function startProcess(command: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', () => {});
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${command.at(-1)}] ${d}`));
  children.push(child);
  return child;
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not start`);
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const server = await startThrowawayPostgres();
    adminUrl = server.url;
    stopPostgres = server.stop;
  }
  databaseUrl = (await createTestDatabase(adminUrl, 'sc_multi')).url;
});

test.afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  stopPostgres?.();
});

interface Lease {
  leaseId: string;
  kernel: string;
  params: unknown;
  inputs: { name: string; url: string }[];
}

test('two coordinators and two workers on one Postgres finish jobs; SIGKILL loses no acknowledged result and credits nothing twice', async () => {
  test.setTimeout(300_000);
  const base = Number(process.env.E2E_PORT ?? 3210) + 40;
  const shared = {
    DATABASE_URL: databaseUrl,
    PIPELINE_IN_PROCESS: 'false',
    PIPELINE_CLAIM_SECONDS: '3',
    // Leases handed out by the coordinator that gets killed come back after this long.
    LEASE_SECONDS: '5',
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    NODE_ENV: 'production',
    PUBLIC_URL: `http://127.0.0.1:${base}`,
  };
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  // The first coordinator migrates alone; the rest start against the migrated schema.
  const coordinators = [startProcess([nextBin, 'start', '-H', '127.0.0.1', '-p', String(base)], shared)];
  await waitHealthy(`http://127.0.0.1:${base}`);
  await fetch(`http://127.0.0.1:${base}/api/v1/jobs`);
  coordinators.push(startProcess([nextBin, 'start', '-H', '127.0.0.1', '-p', String(base + 1)], shared));
  const workers = [
    startProcess([tsx, 'scripts/worker.ts'], shared),
    startProcess([tsx, 'scripts/worker.ts'], shared),
  ];
  const urls = [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 1}`];
  await waitHealthy(urls[1]!);
  const alive = new Set(urls);

  const call = async (url: string, pathName: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return fetch(`${url}${pathName}`, { ...init, headers });
  };
  const register = async (url: string) =>
    (await (
      await call(url, '/api/v1/volunteers', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { token: string; volunteerId: string };

  // A matmul job (one proven result per shard) and a hashsearch job (two agreeing replicas).
  const owner = await register(urls[0]!);
  const [m, n, k] = [48, 40, 16];
  const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const submit = async (body: unknown) => {
    const r = await call(urls[0]!, '/api/v1/jobs', {
      method: 'POST',
      token: owner.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status, await r.clone().text()).toBe(201);
    return (await r.json()) as { jobId: string; shards: number };
  };
  const mm = await submit({
    kernel: 'matmul',
    params: { m, n, k, tileRows: 4, tileCols: 8 },
    inputs: { a: base64(writeNpy(m, k, a)), b: base64(writeNpy(k, n, b)) },
  });
  const hs = await submit({
    kernel: 'hashsearch',
    params: { prefix: 'c0ffee', difficulty: 7, nonceStart: '0', nonceCount: 60_000 },
  });
  expect(mm.shards).toBe(60);

  // Presence is shared through the database, not kept per process: a volunteer that asked the
  // second coordinator for work (none it can run here) counts as donating on the first.
  const watcher = await register(urls[1]!);
  const polled = await call(urls[1]!, '/api/v1/leases', {
    method: 'POST',
    token: watcher.token,
    body: JSON.stringify({ max: 1, webgpu: true, kernels: ['mandelbrot'] }),
    headers: { 'content-type': 'application/json' },
  });
  expect(((await polled.json()) as { leases: unknown[] }).leases).toEqual([]);
  for (const url of urls) {
    const activity = await (await call(url, `/api/v1/jobs/${mm.jobId}/activity`)).json();
    expect(activity.volunteersActive, `volunteers donating, as ${url} sees them`).toBe(1);
  }

  const acknowledged = new Map<string, string>();
  let killed = false;
  const volunteer = async (index: number) => {
    let url = urls[index % 2]!;
    const identity = await register(url);
    for (let round = 0; round < 400; round++) {
      if (!alive.has(url)) url = [...alive][0]!;
      try {
        const leased = await call(url, '/api/v1/leases', {
          method: 'POST',
          token: identity.token,
          body: JSON.stringify({ max: 4, webgpu: true }),
          headers: { 'content-type': 'application/json' },
        });
        const { leases, retryAfterMs } = (await leased.json()) as { leases: Lease[]; retryAfterMs?: number };
        if (leases.length === 0) {
          const jobs = await Promise.all(
            [mm, hs].map(async (j) => (await (await call(url, `/api/v1/jobs/${j.jobId}`)).json()).status),
          );
          if (jobs.every((s) => s === 'completed')) return;
          await new Promise((r) => setTimeout(r, Math.min(retryAfterMs ?? 200, 200)));
          continue;
        }
        const form = new FormData();
        for (const lease of leases) {
          const inputs: Record<string, Uint8Array> = {};
          for (const input of lease.inputs)
            inputs[input.name] = new Uint8Array(await (await call(url, input.url)).arrayBuffer());
          const bytes = getKernel(lease.kernel)!.reference({ params: lease.params, inputs });
          form.append(lease.leaseId, new Blob([new Uint8Array(bytes)]), 'r.bin');
        }
        const answer = await call(url, '/api/v1/results', {
          method: 'POST',
          token: identity.token,
          body: form,
        });
        if (answer.status !== 200) continue;
        const { results } = (await answer.json()) as { results: { leaseId: string; status?: string }[] };
        for (const r of results) if (r.status) acknowledged.set(r.leaseId, r.status);
        if (!killed && acknowledged.size >= 40) {
          killed = true;
          coordinators[1]!.kill('SIGKILL');
          workers[0]!.kill('SIGKILL');
          alive.delete(urls[1]!);
        }
      } catch {
        // The coordinator this volunteer spoke to was killed mid-request: nothing was acknowledged.
        alive.delete(url);
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(volunteer));
  expect(killed).toBe(true);
  expect(coordinators[1]!.signalCode).toBe('SIGKILL');
  expect(workers[0]!.signalCode).toBe('SIGKILL');

  for (const job of [mm, hs]) {
    const summary = await (await call(urls[0]!, `/api/v1/jobs/${job.jobId}`)).json();
    expect(summary.status).toBe('completed');
    expect(summary.progress.verified).toBe(job.shards);
  }
  // The product matches a CPU reference of the whole matrix.
  const result = new Uint8Array(
    await (await call(urls[0]!, `/api/v1/jobs/${mm.jobId}/result`, { token: owner.token })).arrayBuffer(),
  );
  const c = new Float32Array(result.slice(result.length - m * n * 4).buffer);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      expect(c[i * n + j]).toBeCloseTo(sum, 4);
    }

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const stored = await db.query<{ lease_id: string; status: string }>(
      'SELECT lease_id, status FROM results',
    );
    const byLease = new Map(stored.rows.map((r) => [r.lease_id, r.status]));
    for (const [leaseId, status] of acknowledged) {
      expect(byLease.has(leaseId), `acknowledged result ${leaseId} (${status}) is stored`).toBe(true);
      if (status === 'valid') expect(byLease.get(leaseId)).toBe('valid');
    }
    const twice = await db.query('SELECT result_id FROM credits GROUP BY result_id HAVING count(*) > 1');
    expect(twice.rows).toEqual([]);
    const credits = await db.query<{ n: string }>('SELECT count(*) AS n FROM credits');
    const valid = await db.query<{ n: string }>("SELECT count(*) AS n FROM results WHERE status = 'valid'");
    expect(Number(credits.rows[0]!.n)).toBe(Number(valid.rows[0]!.n));
    const counters = await db.query<{ n: string }>('SELECT sum(shards_done) AS n FROM volunteers');
    expect(Number(counters.rows[0]!.n)).toBe(Number(valid.rows[0]!.n));
  } finally {
    await db.end();
  }
});
