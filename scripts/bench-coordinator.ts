import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fanOutShader } from '../lib/coordinator/pipeline/fan-out-shader.fixture';
import { writeNpy } from '../lib/kernels/npy';
import { getKernel } from '../lib/kernels/registry';
import { startThrowawayPostgres } from './throwaway-postgres';

/**
 * `npm run bench:coordinator`: simulated volunteers over HTTP on loopback against production
 * servers this script starts itself (`next start` through scripts/dev.ts, no chain). From one run:
 *
 * 1. the baseline: `GET /api/v1/health` requests per second (no database work);
 * 2. verified shards per second on the embedded default (PGlite, one process) for 8 volunteers
 *    leasing 128 at a time and for 48 volunteers leasing 8 at a time — from the first lease until
 *    the job is `completed` (validated and assembled), each volunteer computing the CPU reference
 *    and caching blobs by SHA-256 as the browser worker does;
 * 3. the same 48 × 8 on a Postgres server with two coordinator processes (volunteers split
 *    between them; each process runs its own validator loop);
 * 4. `/api/v1/health` latency (p50, p99) while heavy requests arrive: a WGSL shader whose
 *    reflection fans out 4^11 ways, a 127-byte request for 65,536 mandelbrot tiles, and a batch of
 *    256 mandelbrot results at the largest iteration cap.
 *
 * Options: --runs N (3), --seconds N (health window, 5), --size N (matrix edge, 512 → 4096 shards).
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option('runs', 3);
const seconds = option('seconds', 5);
const size = option('size', 512);

interface Server {
  urls: string[];
  stop(): Promise<void>;
}

async function startServer(extraEnv: Record<string, string>, processes = 1): Promise<Server> {
  const port = 3900 + Math.floor(Math.random() * 400) * 2;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sc-bench-'));
  const flags = processes > 1 ? ['--processes', String(processes)] : [];
  const child: ChildProcess = spawn(
    'npx',
    ['tsx', 'scripts/dev.ts', '--start', '--no-chain', '--port', String(port), ...flags],
    {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        NODE_ENV: 'production',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    },
  );
  const urls = Array.from({ length: processes }, (_, i) => `http://127.0.0.1:${port + i}`);
  for (const url of urls) await waitHealthy(url);
  return {
    urls,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 1500));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not start`);
}

async function healthRate(url: string, concurrency = 8): Promise<number> {
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
  if (!r.ok && r.status !== 400) throw new Error(`${pathname}: ${r.status} ${JSON.stringify(json)}`);
  return { status: r.status, json };
}

async function register(url: string): Promise<string> {
  return (await post(url, '/api/v1/volunteers', {})).json.token;
}

/** Leases and honestly completes matmul shards until none is left for it; returns shards done. */
async function runVolunteer(
  url: string,
  token: string,
  batch: number,
  blobs: Map<string, Uint8Array>,
): Promise<number> {
  const matmul = getKernel('matmul')!;
  let done = 0;
  for (;;) {
    const { json } = await post(
      url,
      '/api/v1/leases',
      { max: batch, webgpu: true, kernels: ['matmul'] },
      token,
    );
    const leases = json.leases as {
      leaseId: string;
      params: unknown;
      inputs: { name: string; url: string; sha256: string }[];
    }[];
    if (leases.length === 0) return done;
    const form = new FormData();
    for (const lease of leases) {
      const inputs: Record<string, Uint8Array> = {};
      for (const input of lease.inputs) {
        let bytes = blobs.get(input.sha256);
        if (!bytes) {
          bytes = new Uint8Array(await (await fetch(new URL(input.url, url))).arrayBuffer());
          if (createHash('sha256').update(bytes).digest('hex') !== input.sha256)
            throw new Error('blob integrity');
          blobs.set(input.sha256, bytes);
        }
        inputs[input.name] = bytes;
      }
      form.append(
        lease.leaseId,
        new Blob([new Uint8Array(matmul.reference({ params: lease.params, inputs }))]),
        'r',
      );
    }
    const r = await fetch(`${url}/api/v1/results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = await r.json();
    if (!r.ok) throw new Error(`results: ${r.status} ${JSON.stringify(body)}`);
    for (const item of body.results) if (item.error) throw new Error(`result ${JSON.stringify(item)}`);
    done += leases.length;
  }
}

/** One matmul job of 8×8×8 tiles, completed by `volunteers` simulated volunteers spread over `urls`. */
async function shardRate(urls: string[], volunteers: number, batch: number): Promise<number> {
  const url = urls[0]!;
  const owner = await register(url);
  const [m, n, k] = [size, size, 8];
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) / 13);
  const b = new Float32Array(k * n).map((_, i) => ((i * 5) % 11) / 11);
  const { json: job } = await post(
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
    owner,
  );
  const tokens = await Promise.all(
    Array.from({ length: volunteers }, (_, i) => register(urls[i % urls.length]!)),
  );
  const started = performance.now();
  const done = await Promise.all(
    tokens.map((t, i) => runVolunteer(urls[i % urls.length]!, t, batch, new Map())),
  );
  // Polled only once every result is in, so the benchmark adds no load of its own meanwhile.
  for (;;) {
    const status = await (await fetch(`${url}/api/v1/jobs/${job.jobId}`)).json();
    if (status.status === 'completed') break;
    if (status.status !== 'running') throw new Error(`job ended ${status.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = (performance.now() - started) / 1000;
  const total = done.reduce((x, y) => x + y, 0);
  // More results than shards: known-answer shards (re-issued verified ones) are part of the work.
  if (total < job.shards) throw new Error(`${total} results for ${job.shards} shards`);
  return job.shards / elapsed;
}

/** Health latency percentiles (ms) while the heavy requests run, one health request at a time. */
async function healthUnderHeavy(
  url: string,
): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  const token = await register(url);
  const latencies: number[] = [];
  let heavyDone = false;
  const prober = (async () => {
    while (!heavyDone) {
      const t = performance.now();
      await (await fetch(`${url}/api/v1/health`)).arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const heavy = async () => {
    const wgsl = post(
      url,
      '/api/v1/jobs',
      { kernel: 'wgsl', params: { code: fanOutShader(4, 11), workgroups: [1, 1, 1], outputBytes: 64 } },
      token,
    );
    const tiles = post(
      url,
      '/api/v1/jobs',
      {
        kernel: 'mandelbrot',
        params: {
          width: 4096,
          height: 4096,
          centerX: -0.5,
          centerY: 0,
          scale: 3,
          maxIter: 100,
          tileSize: 16,
        },
      },
      token,
    );
    const results = (async () => {
      const { json: job } = await post(
        url,
        '/api/v1/jobs',
        {
          kernel: 'mandelbrot',
          params: {
            width: 256,
            height: 256,
            centerX: -0.2,
            centerY: 0,
            scale: 0.8,
            maxIter: 100_000,
            tileSize: 16,
          },
        },
        token,
      );
      const worker = await register(url);
      const { json } = await post(
        url,
        '/api/v1/leases',
        { max: 256, webgpu: true, kernels: ['mandelbrot'] },
        worker,
      );
      const form = new FormData();
      for (const lease of json.leases)
        form.append(lease.leaseId, new Blob([new Uint8Array(16 * 16 * 4)]), 'r');
      await fetch(`${url}/api/v1/results`, {
        method: 'POST',
        headers: { authorization: `Bearer ${worker}` },
        body: form,
      });
      // Keep probing while the validator re-computes the sampled pixels of those 256 results.
      await new Promise((r) => setTimeout(r, 4000));
      await fetch(`${url}/api/v1/jobs/${job.jobId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
    })();
    const [w, t] = await Promise.all([wgsl, tiles, results]);
    if (w.status !== 400 || t.status !== 400)
      throw new Error(`heavy jobs were not refused: ${w.status} ${t.status}`);
  };
  await heavy();
  heavyDone = true;
  await prober;
  const sorted = [...latencies].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)!, samples: sorted.length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(
  label: string,
  urls: string[],
  cases: [number, number][],
): Promise<Map<string, number>> {
  await shardRate(urls, 8, 128); // warm-up: compiles routes, starts worker threads, fills caches
  const health: number[] = [];
  const rates = new Map<string, number[]>();
  for (let i = 0; i < runs; i++) {
    health.push(await healthRate(urls[0]!));
    for (const [volunteers, batch] of cases) {
      const key = `${volunteers} × ${batch}`;
      const r = await shardRate(urls, volunteers, batch);
      rates.set(key, [...(rates.get(key) ?? []), r]);
    }
    console.log(
      `${label} run ${i + 1}: health ${health[i]!.toFixed(0)} req/s, ${[...rates].map(([k, v]) => `${k}: ${v.at(-1)!.toFixed(0)}/s`).join(', ')}`,
    );
  }
  const out = new Map<string, number>([['health', median(health)]]);
  for (const [key, values] of rates) out.set(key, median(values));
  return out;
}

async function main(): Promise<void> {
  console.log(
    `coordinator benchmark: matmul ${size}×${size}×8 in 8×8 tiles (${(size / 8) ** 2} shards), ${runs} runs, medians\n`,
  );
  const embedded = await startServer({});
  let pglite: Map<string, number>;
  let latency: Awaited<ReturnType<typeof healthUnderHeavy>>;
  try {
    pglite = await measure('PGlite, 1 process', embedded.urls, [
      [8, 128],
      [48, 8],
    ]);
    latency = await healthUnderHeavy(embedded.urls[0]!);
  } finally {
    await embedded.stop();
  }

  const postgres = await startThrowawayPostgres();
  let pg: Map<string, number>;
  try {
    const server = await startServer({ DATABASE_URL: postgres.url }, 2);
    try {
      pg = await measure('Postgres, 2 processes', server.urls, [[48, 8]]);
    } finally {
      await server.stop();
    }
  } finally {
    postgres.stop();
  }

  const h = pglite.get('health')!;
  console.log('\n| setup | case | verified shards/s (median) | ÷ health req/s | target |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| PGlite, 1 process | health baseline | ${h.toFixed(0)} req/s | 1.00 | |`);
  for (const key of ['8 × 128', '48 × 8']) {
    const v = pglite.get(key)!;
    const target = key === '48 × 8' ? `≥ 1,000: ${v >= 1000 ? 'met' : 'not met'}` : '';
    console.log(`| PGlite, 1 process | ${key} | ${v.toFixed(0)} | ${(v / h).toFixed(2)} | ${target} |`);
  }
  const pgh = pg.get('health')!;
  const v = pg.get('48 × 8')!;
  console.log(`| Postgres, 2 processes | health baseline (one process) | ${pgh.toFixed(0)} req/s | 1.00 | |`);
  console.log(
    `| Postgres, 2 processes | 48 × 8 | ${v.toFixed(0)} | ${(v / pgh).toFixed(2)} | ≥ 2,000: ${v >= 2000 ? 'met' : 'not met'} |`,
  );
  console.log(
    `\nhealth under heavy requests (PGlite): p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms over ${latency.samples} requests — target p99 ≤ 50 ms: ${latency.p99 <= 50 ? 'met' : 'not met'}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
