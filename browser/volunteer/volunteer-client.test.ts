import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShardSpec } from '@/lib/kernels/kernel';
import { getKernel } from '@/lib/kernels/registry';
import type { AdapterSummary, ComputeWorkerApi, RunRequest, RunResult } from '@/workers/compute-api';
import { measureDutyCycle } from './throttle';
import {
  type ShardDoneEvent,
  VolunteerClient,
  type VolunteerClientOptions,
  type VolunteerEvents,
} from './volunteer-client';
import type { PauseReason, RunConditions } from './volunteer-conditions';
import { VOLUNTEER_STORAGE_KEY } from './volunteer-identity';

/*
 * The client's state machine against fakes, because neither a GPU nor a coordinator runs inside
 * Vitest:
 * - the GPU is replaced by `FakeCompute`, which computes every shard with the kernel's CPU
 *   `reference` from lib/kernels/registry (so submitted results are real, checkable answers);
 * - the network is replaced by a fake `fetch` backed by `FakeCoordinator`, an in-memory stand-in
 *   for the volunteer protocol (register, lease, blobs, batch results, me) built on the real
 *   kernels' `split`.
 * The real worker and the real server are exercised together in e2e/volunteer-*.spec.ts.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Stands in for the GPU worker: the kernels' CPU reference, with injectable delays and failures. */
class FakeCompute implements ComputeWorkerApi {
  inits = 0;
  runs: RunRequest[] = [];
  delayMs = 0;
  /** Error names to throw, by run index (0-based). */
  failures = new Map<number, string>();
  /** Run indexes whose result gets one bit flipped (a faulty GPU). */
  corrupt = new Set<number>();

  async init(): Promise<AdapterSummary> {
    this.inits++;
    return {
      mode: 'webgpu',
      vendor: 'fake',
      architecture: 'cpu-reference',
      description: 'CPU reference standing in for the GPU',
      fallback: false,
      features: [],
      timestampQuery: false,
    };
  }

  async run(request: RunRequest): Promise<RunResult> {
    const index = this.runs.length;
    this.runs.push(request);
    const started = performance.now();
    if (this.delayMs > 0) await sleep(this.delayMs);
    const failure = this.failures.get(index);
    if (failure) throw namedError(failure, `${failure} (injected)`);
    const kernel = getKernel(request.kernel)!;
    const params = kernel.shardParamsSchema.parse(request.params);
    const result = kernel.reference({ params, inputs: request.inputs });
    if (this.corrupt.has(index)) result[0] = result[0]! ^ 1;
    return { result, wallMs: performance.now() - started, gpuMs: null };
  }

  async loseDevice(): Promise<void> {}
}

interface FakeShard {
  id: string;
  spec: ShardSpec<unknown>;
  kernel: string;
  expected: Uint8Array;
  inputs: { name: string; sha256: string; bytes: number }[];
  leasedTo: Set<string>;
  results: Map<string, Uint8Array>;
}

interface Call {
  method: string;
  path: string;
  at: number;
  token?: string;
  body?: unknown;
}

/** An in-memory coordinator speaking the volunteer protocol over a fake `fetch`. */
class FakeCoordinator {
  readonly origin = 'http://coordinator.test';
  readonly calls: Call[] = [];
  readonly tokens = new Map<string, string>(); // token → volunteerId
  readonly shards: FakeShard[] = [];
  readonly blobs = new Map<string, Uint8Array>();
  readonly leases = new Map<string, { shard: FakeShard; volunteerId: string }>();
  readonly submittedParts: { leaseId: string; filename: string; bytes: Uint8Array }[] = [];
  /** Leases handed back without a result: released (report null) or reported as failed. */
  handedBack: { leaseId: string; report: { name?: string; message: string } | null }[] = [];
  /** Replicas per shard (distinct volunteers). */
  replication = 1;
  retryAfterMs = 50;
  leaseSeconds = 300;
  /** Statuses to answer the next lease requests with instead of leasing. */
  leaseFailures: number[] = [];
  resultFailures: number[] = [];
  /** When set, lease requests hang until aborted. */
  hangLeases = false;
  tamperBlobs = false;
  /** Statuses to answer the next blob downloads with. */
  blobFailures: number[] = [];
  /** The origin written into lease input URLs (another host simulates an unreachable one). */
  blobOrigin = this.origin;

  addJob(kernelName: string, params: unknown, inputs: Record<string, Uint8Array> = {}): void {
    const kernel = getKernel(kernelName)!;
    const jobId = randomUUID();
    for (const spec of kernel.split({ params: kernel.paramsSchema.parse(params), inputs })) {
      const refs = Object.entries(spec.inputs).map(([name, bytes]) => {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        this.blobs.set(sha256, bytes);
        return { name, sha256, bytes: bytes.length };
      });
      this.shards.push({
        id: randomUUID(),
        spec: spec as ShardSpec<unknown>,
        kernel: kernelName,
        expected: kernel.reference(spec),
        inputs: refs,
        leasedTo: new Set(),
        results: new Map(),
      });
      void jobId;
    }
  }

  get verified(): number {
    return this.shards.filter((s) => s.results.size >= this.replication).length;
  }

  lastCall(path: string): Call | undefined {
    return this.calls.filter((c) => c.path === path).at(-1);
  }

  count(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
  }

  readonly fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const auth = new Headers(init.headers).get('authorization')?.replace(/^Bearer /, '');
    const call: Call = { method, path: url.pathname, at: performance.now(), token: auth };
    this.calls.push(call);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const volunteerId = auth ? this.tokens.get(auth) : undefined;
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const unauthorized = () => json({ error: { code: 'unauthorized', message: 'Unknown token' } }, 401);

    if (method === 'POST' && url.pathname === '/api/v1/volunteers') {
      const volunteer = randomUUID();
      const token = `tok-${randomUUID()}`;
      this.tokens.set(token, volunteer);
      return json({ volunteerId: volunteer, token }, 201);
    }
    if (method === 'GET' && url.pathname === '/api/v1/volunteers/me') {
      if (!volunteerId) return unauthorized();
      const mine = [...this.leases.entries()].filter(([, l]) => l.volunteerId === volunteerId);
      const done = mine.filter(([id, l]) => l.shard.results.has(id)).length;
      return json({
        volunteerId,
        site: null,
        address: null,
        credit: { pending: 0, verified: done },
        shardsDone: done,
        shardsRejected: 0,
      });
    }
    if (method === 'POST' && url.pathname === '/api/v1/leases') {
      if (!volunteerId) return unauthorized();
      const body = JSON.parse(String(init.body)) as { max: number; webgpu: boolean; adapter?: unknown };
      call.body = body;
      if (this.hangLeases) {
        return new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
        });
      }
      const failure = this.leaseFailures.shift();
      if (failure) return json({ error: { code: 'internal_error', message: 'injected' } }, failure);
      const leases = [];
      for (const shard of this.shards) {
        if (leases.length >= body.max) break;
        if (shard.leasedTo.size >= this.replication || shard.leasedTo.has(volunteerId)) continue;
        shard.leasedTo.add(volunteerId);
        const leaseId = randomUUID();
        this.leases.set(leaseId, { shard, volunteerId });
        leases.push({
          leaseId,
          jobId: randomUUID(),
          shardId: shard.id,
          kernel: shard.kernel,
          params: shard.spec.params,
          inputs: shard.inputs.map((i) => ({ ...i, url: `${this.blobOrigin}/api/v1/blobs/${i.sha256}` })),
          deadline: new Date(Date.now() + this.leaseSeconds * 1000).toISOString(),
        });
      }
      return leases.length > 0 ? json({ leases }) : json({ leases: [], retryAfterMs: this.retryAfterMs });
    }
    if (method === 'GET' && url.pathname.startsWith('/api/v1/blobs/')) {
      if (url.origin !== this.origin) throw new TypeError('Failed to fetch'); // as a CORS failure looks
      const failure = this.blobFailures.shift();
      if (failure) return json({ error: { code: 'internal_error', message: 'injected' } }, failure);
      const bytes = this.blobs.get(url.pathname.split('/').at(-1)!);
      if (!bytes) return json({ error: { code: 'not_found', message: 'no blob' } }, 404);
      const served = bytes.slice();
      if (this.tamperBlobs && served.length > 0) served[0] = served[0]! ^ 1;
      return new Response(served as Uint8Array<ArrayBuffer>);
    }
    if (method === 'POST' && url.pathname === '/api/v1/results') {
      if (!volunteerId) return unauthorized();
      const failure = this.resultFailures.shift();
      if (failure) return json({ error: { code: 'internal_error', message: 'injected' } }, failure);
      const form = init.body as FormData;
      const results = [];
      for (const [leaseId, part] of form.entries()) {
        if (typeof part === 'string') throw new Error('a result part arrived without a filename');
        const bytes = new Uint8Array(await part.arrayBuffer());
        this.submittedParts.push({ leaseId, filename: part.name, bytes });
        const lease = this.leases.get(leaseId);
        if (!lease || lease.volunteerId !== volunteerId) {
          results.push({ leaseId, error: { code: 'not_found', message: 'no such lease', httpStatus: 404 } });
          continue;
        }
        const ok = Buffer.from(bytes).equals(Buffer.from(lease.shard.expected));
        if (ok) lease.shard.results.set(leaseId, bytes);
        results.push({ leaseId, status: ok ? 'valid' : 'invalid' });
      }
      return json({ results });
    }
    const handBack = /^\/api\/v1\/leases\/([^/]+)(\/error)?$/.exec(url.pathname);
    if (handBack && (method === 'DELETE' || (method === 'POST' && handBack[2]))) {
      const leaseId = decodeURIComponent(handBack[1]!);
      const report = handBack[2]
        ? (JSON.parse(String(init.body)) as { name?: string; message: string })
        : null;
      this.handedBack.push({ leaseId, report });
      return json({ leaseId, state: report ? 'failed' : 'released' });
    }
    return json({ error: { code: 'not_found', message: `no route ${method} ${url.pathname}` } }, 404);
  }) as typeof fetch;
}

class FakeConditions implements RunConditions {
  reason: PauseReason | null = null;
  private readonly listeners = new Set<() => void>();
  pauseReason() {
    return this.reason;
  }
  subscribe(onChange: () => void) {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }
  set(reason: PauseReason | null) {
    this.reason = reason;
    for (const listener of this.listeners) listener();
  }
}

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

/** Records every event with its arrival time. */
function record(client: VolunteerClient) {
  const log: { type: keyof VolunteerEvents; at: number; payload: any }[] = [];
  for (const type of [
    'state',
    'adapter',
    'shard',
    'submitted',
    'throughput',
    'credit',
    'noWork',
    'error',
  ] as const) {
    client.on(type, (payload) => log.push({ type, at: performance.now(), payload }));
  }
  return {
    log,
    of: <K extends keyof VolunteerEvents>(type: K) =>
      log.filter((e) => e.type === type).map((e) => e.payload as VolunteerEvents[K]),
  };
}

const clients: VolunteerClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

function setup(overrides: Partial<VolunteerClientOptions> = {}) {
  const server = new FakeCoordinator();
  const compute = new FakeCompute();
  const conditions = new FakeConditions();
  const storage = new MemoryStorage();
  let created = 0;
  let released = 0;
  const client = new VolunteerClient({
    createCompute: () => {
      created++;
      return compute;
    },
    releaseCompute: () => {
      released++;
    },
    baseUrl: server.origin,
    fetch: server.fetch,
    storage,
    conditions,
    creditIntervalMs: 100,
    backoff: { baseMs: 20, maxMs: 200 },
    ...overrides,
  });
  clients.push(client);
  const events = record(client);
  return {
    server,
    compute,
    conditions,
    storage,
    client,
    events,
    created: () => created,
    released: () => released,
  };
}

/** A small matmul job (4 tiles) with f32 inputs as .npy. */
async function matmulJob(server: FakeCoordinator, size = 8, tile = 4) {
  const { writeNpy } = await import('@/lib/kernels/npy');
  const a = Float32Array.from({ length: size * size }, (_, i) => ((i * 7) % 13) - 6);
  const b = Float32Array.from({ length: size * size }, (_, i) => ((i * 5) % 11) / 4 - 1);
  server.addJob(
    'matmul',
    { m: size, n: size, k: size, tileRows: tile, tileCols: tile },
    { a: writeNpy(size, size, a), b: writeNpy(size, size, b) },
  );
}

/** A matmul job of `shards` tiny 2×2 tiles (one tile column), cheap to compute many of. */
async function tilesJob(server: FakeCoordinator, shards = 4) {
  const { writeNpy } = await import('@/lib/kernels/npy');
  const m = 2 * shards;
  const a = Float32Array.from({ length: m * 4 }, (_, i) => (i % 7) - 3);
  const b = Float32Array.from({ length: 4 * 2 }, (_, i) => i / 2);
  server.addJob(
    'matmul',
    { m, n: 2, k: 4, tileRows: 2, tileCols: 2 },
    { a: writeNpy(m, 4, a), b: writeNpy(4, 2, b) },
  );
}

describe('VolunteerClient', () => {
  it('does nothing before start(): no request, no worker', async () => {
    const { server, events, created, client } = setup();
    await matmulJob(server);
    await sleep(100);
    expect(server.calls).toHaveLength(0);
    expect(created()).toBe(0);
    expect(client.state).toBe('idle');
    expect(events.log).toHaveLength(0);
  });

  it('registers once, leases, computes with the worker and submits correct results as file parts', async () => {
    const { server, compute, storage, client, events } = setup();
    await matmulJob(server);
    await client.start();
    await waitFor(() => server.verified === 4, 5000, 'all shards verified');

    expect(server.count('/api/v1/volunteers')).toBe(1);
    const stored = JSON.parse(storage.getItem(VOLUNTEER_STORAGE_KEY)!);
    expect(server.tokens.get(stored.token)).toBe(stored.volunteerId);
    expect(client.volunteerId).toBe(stored.volunteerId);

    const leaseBody = server.lastCall('/api/v1/leases')!.body as Record<string, unknown>;
    expect(leaseBody).toMatchObject({
      webgpu: true,
      adapter: { vendor: 'fake', architecture: 'cpu-reference', features: [], fallback: false },
    });
    expect(compute.runs).toHaveLength(4);
    expect(compute.inits).toBe(1);
    for (const part of server.submittedParts) expect(part.filename).toBe(`${part.leaseId}.bin`);
    expect(events.of('submitted').every((s) => s.status === 'valid')).toBe(true);
    expect(events.of('shard').map((s) => s.kernel)).toEqual(['matmul', 'matmul', 'matmul', 'matmul']);
    expect(events.of('shard').every((s) => s.workUnits > 0 && s.finishedAt >= s.startedAt)).toBe(true);
    expect(events.of('adapter')[0]?.vendor).toBe('fake');
    expect(events.of('state').map((s) => s.state)).toEqual(['starting', 'running']);
    expect(client.shardsDone).toBe(4);
    // A matmul tile row shares its A block: 2 A blocks + 2 B blocks are fetched once each.
    expect(server.calls.filter((c) => c.path.startsWith('/api/v1/blobs/'))).toHaveLength(4);

    await waitFor(() => events.of('credit').some((c) => c.credit.verified === 4), 3000, 'credit');
    await client.stop();
    expect(client.state).toBe('stopped');
    expect(events.of('state').at(-1)?.state).toBe('stopped');
  });

  it('reuses a stored identity, and re-registers when the coordinator does not know it', async () => {
    const first = setup();
    await tilesJob(first.server, 1);
    first.storage.setItem(VOLUNTEER_STORAGE_KEY, JSON.stringify({ volunteerId: 'old', token: 'forgotten' }));
    await first.client.start();
    await waitFor(() => first.server.verified === 1);
    expect(first.server.count('/api/v1/volunteers')).toBe(1);
    const fresh = JSON.parse(first.storage.getItem(VOLUNTEER_STORAGE_KEY)!);
    expect(fresh.token).not.toBe('forgotten');
    // The unknown token was found out by GET /me; no lease was ever requested with it.
    const leaseTokens = first.server.calls.filter((c) => c.path === '/api/v1/leases').map((c) => c.token);
    expect(leaseTokens.length).toBeGreaterThan(0);
    expect(leaseTokens).not.toContain('forgotten');
    expect(first.server.calls[0]).toMatchObject({ path: '/api/v1/volunteers/me', token: 'forgotten' });
    await first.client.stop();

    // A second client in the same browser (same storage) reuses the identity without registering.
    const second = new VolunteerClient({
      createCompute: () => new FakeCompute(),
      baseUrl: first.server.origin,
      fetch: first.server.fetch,
      storage: first.storage,
      conditions: new FakeConditions(),
    });
    clients.push(second);
    await tilesJob(first.server, 1);
    await second.start();
    await waitFor(() => first.server.verified === 2);
    expect(first.server.count('/api/v1/volunteers')).toBe(1);
    expect(second.volunteerId).toBe(fresh.volunteerId);
  });

  it('keeps identities per site apart', async () => {
    const { server, storage } = setup();
    const widget = new VolunteerClient({
      createCompute: () => new FakeCompute(),
      baseUrl: server.origin,
      fetch: server.fetch,
      storage,
      site: 'example.org',
      conditions: new FakeConditions(),
    });
    clients.push(widget);
    await widget.start();
    await widget.stop();
    expect(storage.getItem(`${VOLUNTEER_STORAGE_KEY}.example.org`)).not.toBeNull();
    expect(storage.getItem(VOLUNTEER_STORAGE_KEY)).toBeNull();
  });

  it('waits retryAfterMs when there is no work, then picks up new work', async () => {
    const { server, client, events } = setup();
    server.retryAfterMs = 150;
    await client.start();
    await waitFor(() => server.count('/api/v1/leases') >= 3, 3000, 'three lease requests');
    const times = server.calls.filter((c) => c.path === '/api/v1/leases').map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
    expect(events.of('noWork')[0]).toEqual({ retryInMs: 150 });
    expect(client.state).toBe('running');
    await tilesJob(server, 2);
    await waitFor(() => server.verified === 2, 3000, 'new work done');
  });

  it('backs off exponentially on 5xx and keeps going', async () => {
    const { server, client, events } = setup({ backoff: { baseMs: 40, maxMs: 1000 } });
    server.leaseFailures = [503, 500, 502];
    await tilesJob(server, 2);
    await client.start();
    await waitFor(() => server.verified === 2, 5000, 'work after the outage');
    const times = server.calls.filter((c) => c.path === '/api/v1/leases').map((c) => c.at);
    // Waits of ≥ base/2·2^n: 20, 40, 80 ms (equal jitter), growing.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(18);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(38);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(78);
    expect(events.of('error').filter((e) => e.kind === 'lease')).toHaveLength(3);
    expect(events.of('error').every((e) => !e.fatal)).toBe(true);
  });

  it('skips a shard whose device was lost or timed out, never submits it, and keeps going', async () => {
    const { server, compute, client, events } = setup();
    await tilesJob(server, 4);
    compute.failures.set(0, 'DeviceLostError');
    compute.failures.set(2, 'ShardTimeoutError');
    compute.failures.set(3, 'KernelError');
    server.retryAfterMs = 30;
    await client.start();
    await waitFor(() => compute.runs.length >= 4 && events.of('submitted').length >= 1, 3000);
    await sleep(100);
    const failedLeases = new Set(
      events
        .of('error')
        .filter((e) => e.kind === 'compute')
        .map((e) => e.leaseId),
    );
    expect(
      events
        .of('error')
        .filter((e) => e.kind === 'compute')
        .map((e) => e.name),
    ).toEqual(['DeviceLostError', 'ShardTimeoutError', 'KernelError']);
    expect(server.submittedParts.map((p) => p.leaseId).filter((id) => failedLeases.has(id))).toEqual([]);
    expect(server.submittedParts).toHaveLength(1);
    // Each failed shard is reported to the coordinator (so it is re-issued, and a poison shard ends).
    await waitFor(() => server.handedBack.length >= 3, 3000, 'three error reports');
    expect(new Set(server.handedBack.map((h) => h.leaseId))).toEqual(failedLeases);
    expect(server.handedBack.map((h) => h.report?.name).sort()).toEqual([
      'DeviceLostError',
      'KernelError',
      'ShardTimeoutError',
    ]);
    expect(compute.inits).toBe(2); // a fresh device after the loss
    expect(events.of('adapter')).toHaveLength(2);
    expect(client.state).toBe('running');
  });

  it('reports a result the coordinator finds wrong', async () => {
    const { server, compute, client, events } = setup();
    await tilesJob(server, 2);
    compute.corrupt.add(0);
    await client.start();
    await waitFor(() => events.of('submitted').length === 2, 3000);
    expect(
      events
        .of('submitted')
        .map((s) => s.status)
        .sort(),
    ).toEqual(['invalid', 'valid']);
    expect(events.of('error')).toMatchObject([{ kind: 'submit', code: 'invalid_result', fatal: false }]);
  });

  it('rejects a tampered input blob: nothing is computed or submitted for it', async () => {
    const { server, compute, client, events } = setup();
    await matmulJob(server, 4, 4);
    server.tamperBlobs = true;
    server.retryAfterMs = 30;
    await client.start();
    await waitFor(() => events.of('error').some((e) => e.kind === 'blob'), 3000);
    await sleep(100);
    expect(compute.runs).toHaveLength(0);
    expect(server.submittedParts).toHaveLength(0);
    expect(events.of('error').find((e) => e.kind === 'blob')?.name).toBe('BlobIntegrityError');
  });

  it('retries a transient input download before giving up on the shard', async () => {
    const { server, compute, client, events } = setup();
    await tilesJob(server, 1);
    server.blobFailures = [503, 502];
    await client.start();
    await waitFor(() => server.verified === 1, 3000);
    expect(compute.runs).toHaveLength(1);
    expect(events.of('error').filter((e) => e.kind === 'blob')).toHaveLength(0);
  });

  it('falls back to the coordinator blob endpoint when the lease names an unreachable host', async () => {
    const { server, client, events } = setup();
    await tilesJob(server, 2);
    server.blobOrigin = 'http://localhost:1';
    await client.start();
    await waitFor(() => server.verified === 2, 3000);
    expect(events.of('error').filter((e) => e.kind === 'blob')).toHaveLength(0);
  });

  it('resolves relative input URLs against the coordinator', async () => {
    const { server, client } = setup();
    await tilesJob(server, 1);
    server.blobOrigin = '';
    await client.start();
    await waitFor(() => server.verified === 1, 3000);
    expect(server.calls.filter((c) => c.path.startsWith('/api/v1/blobs/'))).toHaveLength(2);
  });

  it('prefetches the next batch while computing', async () => {
    const { server, compute, client, events } = setup({ batch: { initial: 2, max: 2 } });
    await tilesJob(server, 6);
    compute.delayMs = 60;
    await client.start();
    await waitFor(() => server.verified === 6, 5000);
    const shards = events.of('shard');
    const leaseTimes = server.calls.filter((c) => c.path === '/api/v1/leases').map((c) => c.at);
    // The second batch was requested before the first batch's last shard finished.
    expect(leaseTimes[1]!).toBeLessThan(shards[1]!.finishedAt);
    // …and the GPU never waited for it: consecutive shards follow each other closely.
    for (let i = 1; i < shards.length; i++)
      expect(shards[i]!.startedAt - shards[i - 1]!.finishedAt).toBeLessThan(40);
  });

  it('submits results in batches when they finish faster than a submission round trip', async () => {
    const { server } = setup();
    await tilesJob(server, 12);
    const slow = server.fetch;
    const delayed = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/api/v1/results')) await sleep(100);
      return slow(input, init);
    }) as typeof fetch;
    const batched = new VolunteerClient({
      createCompute: () => new FakeCompute(),
      baseUrl: server.origin,
      fetch: delayed,
      storage: new MemoryStorage(),
      conditions: new FakeConditions(),
      batch: { initial: 16, max: 16 },
    });
    clients.push(batched);
    await batched.start();
    await waitFor(() => server.verified === 12, 5000);
    expect(server.count('/api/v1/results')).toBeLessThan(12);
  });

  it('honours a 30 % duty cycle within ±10 %', async () => {
    const { server, compute, client, events } = setup({ duty: 0.3, batch: { initial: 4, max: 8 } });
    await tilesJob(server, 14);
    compute.delayMs = 25;
    await client.start();
    await waitFor(() => events.of('shard').length >= 14, 10_000);
    const duty = measureDutyCycle(events.of('shard'))!;
    expect(Math.abs(duty - 0.3) / 0.3).toBeLessThan(0.1);
  });

  it('applies a new duty cycle at once', async () => {
    const { server, compute, client, events } = setup({ duty: 0.1 });
    await tilesJob(server, 3);
    compute.delayMs = 50; // at 10 % this owes 450 ms of idle after each shard
    await client.start();
    await waitFor(() => events.of('shard').length >= 1, 3000);
    const firstDone = events.of('shard')[0]!.finishedAt;
    client.setDuty(1);
    expect(client.duty).toBe(1);
    await waitFor(() => events.of('shard').length >= 2, 3000);
    expect(events.of('shard')[1]!.startedAt - firstDone).toBeLessThan(200);
  });

  it('pauses while the page is hidden and resumes when it is visible', async () => {
    const { server, compute, conditions, client, events } = setup();
    await tilesJob(server, 6);
    compute.delayMs = 40;
    await client.start();
    await waitFor(() => events.of('shard').length >= 1, 3000);
    conditions.set('hidden');
    expect(client.state).toBe('paused');
    expect(events.of('state').at(-1)).toEqual({ state: 'paused', pauseReason: 'hidden' });
    const pausedAt = performance.now();
    await sleep(300);
    // At most the shard already on the GPU finishes; nothing new starts while hidden.
    expect(events.of('shard').filter((s) => s.startedAt > pausedAt)).toHaveLength(0);
    const leasesWhileHidden = server.calls.filter((c) => c.path === '/api/v1/leases' && c.at > pausedAt + 50);
    expect(leasesWhileHidden).toHaveLength(0);
    conditions.set(null);
    expect(client.state).toBe('running');
    await waitFor(() => server.verified === 6, 3000);
  });

  it('pauses on a low battery', async () => {
    const { conditions, client } = setup();
    await client.start();
    conditions.set('battery');
    expect(client.state).toBe('paused');
    expect(client.pauseReason).toBe('battery');
  });

  it('starts paused when the page is already hidden', async () => {
    const { server, conditions, client, compute } = setup();
    await tilesJob(server, 1);
    conditions.reason = 'hidden';
    await client.start();
    expect(client.state).toBe('paused');
    await sleep(100);
    expect(server.count('/api/v1/leases')).toBe(0);
    expect(compute.runs).toHaveLength(0);
  });

  it('stops within 1 s mid-shard: the finished result is still submitted, no lease follows', async () => {
    const { server, compute, client, events, released } = setup({ batch: { initial: 4, max: 4 } });
    await tilesJob(server, 8);
    compute.delayMs = 300;
    await client.start();
    await waitFor(() => compute.runs.length >= 2, 3000, 'second shard on the GPU');
    const stopAt = performance.now();
    const stopping = client.stop();
    expect(client.state).toBe('stopped');
    await stopping;
    expect(performance.now() - stopAt).toBeLessThan(1000);
    // The shard that was on the GPU at Stop finished within the grace and was submitted.
    expect(events.of('shard')).toHaveLength(2);
    expect(server.submittedParts).toHaveLength(2);
    expect(server.verified).toBe(2);
    expect(server.calls.filter((c) => c.path === '/api/v1/leases' && c.at >= stopAt)).toHaveLength(0);
    expect(released()).toBe(1);
    // The prefetched shards that were never started went back to the coordinator.
    await waitFor(() => server.handedBack.length >= 2, 1000, 'prefetched leases handed back');
    expect(server.handedBack.every((h) => h.report === null)).toBe(true);
    const computed = new Set(server.submittedParts.map((p) => p.leaseId));
    expect(server.handedBack.some((h) => computed.has(h.leaseId))).toBe(false);
    await sleep(400);
    expect(compute.runs).toHaveLength(2);
    expect(server.calls.filter((c) => c.path === '/api/v1/leases' && c.at >= stopAt)).toHaveLength(0);
  });

  it('gives up on a shard still computing after the grace period', async () => {
    const { server, compute, client, events, released } = setup({ stopGraceMs: 100 });
    await tilesJob(server, 1);
    compute.delayMs = 2000;
    await client.start();
    await waitFor(() => compute.runs.length >= 1, 3000);
    const stopAt = performance.now();
    await client.stop();
    expect(performance.now() - stopAt).toBeLessThan(1000);
    expect(released()).toBe(1);
    expect(events.of('shard')).toHaveLength(0);
  });

  it('aborts an in-flight lease request on stop', async () => {
    const { server, client } = setup();
    server.hangLeases = true;
    await client.start();
    await waitFor(() => server.count('/api/v1/leases') === 1, 3000);
    const stopAt = performance.now();
    await client.stop();
    expect(performance.now() - stopAt).toBeLessThan(1000);
    expect(server.count('/api/v1/leases')).toBe(1);
  });

  it('retries a submission that failed with a 5xx, losing no result', async () => {
    const { server, client, events } = setup();
    await tilesJob(server, 2);
    server.resultFailures = [503];
    await client.start();
    await waitFor(() => server.verified === 2, 5000);
    expect(events.of('error').some((e) => e.kind === 'submit' && !e.fatal)).toBe(true);
  });

  it('can start again after a stop, with a fresh compute backend', async () => {
    const { server, client, created, released } = setup();
    await tilesJob(server, 1);
    await client.start();
    await waitFor(() => server.verified === 1, 3000);
    await client.stop();
    await tilesJob(server, 1);
    await client.start();
    expect(client.state).toBe('running');
    await waitFor(() => server.verified === 2, 3000);
    await client.stop();
    expect(created()).toBe(2);
    expect(released()).toBe(2);
    expect(server.count('/api/v1/volunteers')).toBe(1);
  });

  it('emits throughput over the sliding window', async () => {
    const { server, compute, client, events } = setup();
    await tilesJob(server, 5);
    compute.delayMs = 20;
    await client.start();
    await waitFor(() => server.verified === 5, 3000);
    const last = events.of('throughput').at(-1)!;
    expect(last.shardsPerSecond).toBeGreaterThan(0);
    expect(last.workPerSecond).toBeGreaterThan(0);
    const shard: ShardDoneEvent = events.of('shard')[0]!;
    expect(last.workPerSecond / last.shardsPerSecond).toBeCloseTo(shard.workUnits, 5);
  });

  it('shows a returning volunteer credit without registering or leasing', async () => {
    const { server, storage, client, events, created } = setup();
    const register = await server.fetch(`${server.origin}/api/v1/volunteers`, { method: 'POST', body: '{}' });
    storage.setItem(VOLUNTEER_STORAGE_KEY, JSON.stringify(await register.json()));
    const me = await client.refreshCredit();
    expect(me?.credit).toEqual({ pending: 0, verified: 0 });
    expect(events.of('credit')).toHaveLength(1);
    expect(server.count('/api/v1/leases')).toBe(0);
    expect(server.count('/api/v1/volunteers')).toBe(1);
    expect(created()).toBe(0);
  });

  it('reports a compute backend that cannot start as fatal and stops', async () => {
    const { client, events, server } = setup({
      createCompute: () => ({
        init: async () => {
          throw namedError('Error', 'no adapter and no fallback');
        },
        run: async () => {
          throw new Error('unreachable');
        },
        loseDevice: async () => {},
      }),
    });
    await client.start();
    expect(client.state).toBe('stopped');
    expect(events.of('error')[0]).toMatchObject({ kind: 'init', fatal: true });
    expect(server.count('/api/v1/leases')).toBe(0);
  });
});
