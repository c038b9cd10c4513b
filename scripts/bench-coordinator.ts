import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNpy } from '../lib/kernels/npy';
import { getKernel } from '../lib/kernels/registry';

/**
 * `npm run bench:coordinator`: simulated volunteers over HTTP on loopback against a running server
 * (`--url`), or against a production server it starts itself on a throwaway PGlite directory.
 *
 * It measures, in the same run and with the same HTTP client:
 * 1. the baseline: `GET /api/v1/health` requests per second (no database work);
 * 2. verified shards per second: a matmul job of 8×8 tiles completed by simulated volunteers that
 *    lease in batches and submit through the batch endpoint (each volunteer computes the CPU
 *    reference and caches blobs by SHA-256, as the browser worker does).
 * and prints both with their ratio. Options: --url, --volunteers N, --batch N, --size N, --runs N.
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const urlFlag = args.indexOf('--url');
const volunteers = option('volunteers', 8);
const batch = option('batch', 128);
const size = option('size', 512);
const runs = option('runs', 3);
const seconds = option('seconds', 5);

async function startServer(): Promise<{ url: string; child: ChildProcess; dataDir: string }> {
  const port = 3400 + Math.floor(Math.random() * 500);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sc-bench-'));
  const child = spawn('npx', ['tsx', 'scripts/dev.ts', '--start', '--no-chain', '--port', String(port)], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { url, child, dataDir };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
}

async function healthRate(url: string): Promise<number> {
  const concurrency = volunteers;
  let count = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const r = await fetch(`${url}/api/v1/health`);
        await r.arrayBuffer();
        if (r.ok) count++;
      }
    }),
  );
  return count / seconds;
}

async function post(url: string, pathname: string, body: unknown, token?: string) {
  const r = await fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${pathname}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function register(url: string): Promise<string> {
  return (await post(url, '/api/v1/volunteers', {})).token;
}

async function runVolunteer(url: string, token: string, blobCache: Map<string, Uint8Array>): Promise<number> {
  const matmul = getKernel('matmul')!;
  let done = 0;
  for (;;) {
    const { leases } = await post(
      url,
      '/api/v1/leases',
      { max: batch, webgpu: true, kernels: ['matmul'] },
      token,
    );
    if (leases.length === 0) return done;
    const form = new FormData();
    for (const lease of leases) {
      const inputs: Record<string, Uint8Array> = {};
      for (const input of lease.inputs) {
        let bytes = blobCache.get(input.sha256);
        if (!bytes) {
          bytes = new Uint8Array(await (await fetch(new URL(input.url, url))).arrayBuffer());
          if (createHash('sha256').update(bytes).digest('hex') !== input.sha256)
            throw new Error('blob integrity');
          blobCache.set(input.sha256, bytes);
        }
        inputs[input.name] = bytes;
      }
      const result = matmul.reference({ params: lease.params, inputs });
      form.append(lease.leaseId, new Blob([new Uint8Array(result)]), 'r');
    }
    const r = await fetch(`${url}/api/v1/results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = await r.json();
    if (!r.ok) throw new Error(`results: ${r.status} ${JSON.stringify(body)}`);
    for (const item of body.results)
      if (item.status !== 'valid') throw new Error(`result ${JSON.stringify(item)}`);
    done += leases.length;
  }
}

async function shardRate(url: string, ownerToken: string): Promise<{ shards: number; perSecond: number }> {
  const m = size;
  const n = size;
  const k = 8;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) / 13);
  const b = new Float32Array(k * n).map((_, i) => ((i * 5) % 11) / 11);
  const job = await post(
    url,
    '/api/v1/jobs',
    {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 8, tileCols: 8 },
      inputs: {
        a: Buffer.from(writeNpy(m, k, a)).toString('base64'),
        b: Buffer.from(writeNpy(k, n, b)).toString('base64'),
      },
      title: 'benchmark',
    },
    ownerToken,
  );
  const tokens = await Promise.all(Array.from({ length: volunteers }, () => register(url)));
  const started = performance.now();
  const done = await Promise.all(tokens.map((t) => runVolunteer(url, t, new Map())));
  const elapsed = (performance.now() - started) / 1000;
  const status = await (await fetch(`${url}/api/v1/jobs/${job.jobId}`)).json();
  if (status.status !== 'completed') throw new Error(`job ended ${status.status}`);
  const total = done.reduce((x, y) => x + y, 0);
  if (total !== job.shards) throw new Error(`${total} results for ${job.shards} shards`);
  return { shards: job.shards, perSecond: job.shards / elapsed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const server = urlFlag >= 0 ? undefined : await startServer();
  const url = urlFlag >= 0 ? args[urlFlag + 1]! : server!.url;
  try {
    const owner = await register(url);
    await shardRate(url, owner); // warm-up: compiles routes, fills caches
    const health: number[] = [];
    const shards: number[] = [];
    let perJob = 0;
    for (let i = 0; i < runs; i++) {
      health.push(await healthRate(url));
      const r = await shardRate(url, owner);
      shards.push(r.perSecond);
      perJob = r.shards;
      console.log(
        `run ${i + 1}: health ${health[i]!.toFixed(0)} req/s, ${r.perSecond.toFixed(0)} verified shards/s`,
      );
    }
    const h = median(health);
    const s = median(shards);
    console.log(
      `\nserver ${url}, ${volunteers} volunteers, batches of ${batch}, ${perJob} shards of 8×8×8 per job, ${runs} runs`,
    );
    console.log(`health baseline (median): ${h.toFixed(0)} req/s`);
    console.log(`verified shards/s (median): ${s.toFixed(0)}`);
    console.log(`ratio verified shards/s ÷ health req/s: ${(s / h).toFixed(3)}`);
    console.log(`target ≥ 1,000 verified shards/s: ${s >= 1000 ? 'met' : 'not met'}`);
  } finally {
    if (server) {
      try {
        process.kill(-server.child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 1000));
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
