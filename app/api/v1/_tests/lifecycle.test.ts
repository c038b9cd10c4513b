import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '@/lib/coordinator/clock';
import { queryRows } from '@/lib/db/client';
import { env } from '@/lib/env';
import { parseNpy, writeNpy } from '@/lib/kernels/npy';
import { sha256 } from '@/lib/kernels/sha256';
import { api, backend, grantReputation, settle, testDbForFile, toBase64 } from './harness';
import { SimVolunteer } from './volunteer-sim';

const testDb = testDbForFile();

afterEach(() => {
  clock.now = () => new Date();
});

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** C = A·B in f64, the ground truth the verified output is compared with. */
function product(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

async function matmulJob(
  owner: SimVolunteer,
  m: number,
  n: number,
  k: number,
  extra: Record<string, unknown> = {},
) {
  const a = randomMatrix(m, k, m * 31 + k);
  const b = randomMatrix(k, n, n * 17 + k);
  const r = await api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m, n, k, ...extra },
    inputs: { a: toBase64(writeNpy(m, k, a)), b: toBase64(writeNpy(k, n, b)) },
    title: 'test product',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { jobId: r.body.jobId as string, shards: r.body.shards as number, a, b };
}

/** Nonces in [start, start+count) whose sha256(prefix ‖ u64 LE) has ≥ difficulty leading zero bits. */
function bruteForceNonces(prefixHex: string, difficulty: number, start: number, count: number): string[] {
  const prefix = Buffer.from(prefixHex, 'hex');
  const message = new Uint8Array(prefix.length + 8);
  message.set(prefix);
  const view = new DataView(message.buffer);
  const found: string[] = [];
  for (let i = 0; i < count; i++) {
    view.setBigUint64(prefix.length, BigInt(start + i), true);
    const digest = sha256(message);
    let zeros = 0;
    for (const byte of digest) {
      if (byte === 0) {
        zeros += 8;
        continue;
      }
      zeros += Math.clz32(byte) - 24;
      break;
    }
    if (zeros >= difficulty) found.push(String(start + i));
  }
  return found;
}

async function hashJob(owner: SimVolunteer, nonceCount: number, replication?: { min: number; max: number }) {
  const params = { prefix: 'feedc0de', difficulty: 6, nonceStart: '1000', nonceCount };
  const r = await api.createJob(owner.token, { kernel: 'hashsearch', params, inputs: {}, replication });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { jobId: r.body.jobId as string, shards: r.body.shards as number, params };
}

async function count(table: string, where = sql`TRUE`): Promise<number> {
  const r = await queryRows<{ n: number }>(
    testDb.db,
    sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE ${where}`,
  );
  return Number(r[0]!.n);
}

describe(`job lifecycle (${backend})`, () => {
  it('completes a matmul job with simulated volunteers, verifies it and credits the work once', async () => {
    const owner = await SimVolunteer.register();
    const [m, n, k] = [13, 11, 7];
    const job = await matmulJob(owner, m, n, k, { tileRows: 4, tileCols: 5 });
    expect(job.shards).toBe(Math.ceil(m / 4) * Math.ceil(n / 5));

    const alice = await SimVolunteer.register('alice.example');
    const bob = await SimVolunteer.register();
    // Alice uses the batch endpoint, Bob the single PUT.
    const aliceDone = await alice.work({ batch: 5, rounds: 1 });
    let last: { leaseId: string; bytes: Uint8Array } | undefined;
    for (;;) {
      const leases = await bob.lease(3);
      if (leases.length === 0) break;
      for (const lease of leases) {
        last = { leaseId: lease.leaseId, bytes: await bob.compute(lease) };
        const r = await api.put(bob.token, last.leaseId, last.bytes);
        expect(r.status).toBe(202);
        // Accepted and stored; the validator decides it outside the request.
        expect(r.body.status).toBe('pending');
      }
    }
    await settle();
    const again = await api.put(bob.token, last!.leaseId, last!.bytes);
    expect(again.body.status).toBe('valid');
    await alice.work();
    await settle();

    const status = await api.job(job.jobId);
    expect(status.body.status).toBe('completed');
    expect(status.body.progress).toMatchObject({ total: job.shards, verified: job.shards, failed: 0 });

    const result = await api.result(job.jobId, owner.token);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-disposition')).toContain('c.npy');
    const c = parseNpy(result.body as Uint8Array, 'result');
    expect(c.shape).toEqual([m, n]);
    const expected = product(job.a, job.b, m, n, k);
    for (const [i, v] of c.data.entries()) expect(v).toBeCloseTo(expected[i]!, 4);

    const [aliceMe, bobMe] = [await alice.me(), await bob.me()];
    expect(aliceDone).toBe(5);
    expect(aliceMe.shardsDone + bobMe.shardsDone).toBe(job.shards);
    expect(aliceMe.credit.verified).toBeGreaterThan(0);
    expect(aliceMe.credit.pending).toBe(0);
    expect(await count('credits', sql`job_id = ${job.jobId}::uuid`)).toBe(job.shards);
    // Credit done through a site is attributed to it.
    expect(await count('credits', sql`job_id = ${job.jobId}::uuid AND site = 'alice.example'`)).toBe(
      aliceMe.shardsDone,
    );
  });

  it('needs a quorum for hashsearch: one result stays pending, the second agreeing one verifies', async () => {
    const owner = await SimVolunteer.register();
    const job = await hashJob(owner, 3000, { min: 2, max: 4 });
    const first = await SimVolunteer.register();
    const second = await SimVolunteer.register();
    await first.work();
    await settle();
    expect((await api.job(job.jobId)).body.status).toBe('running');
    const pending = await first.me();
    expect(pending.credit.pending).toBeGreaterThan(0);
    expect(pending.credit.verified).toBe(0);
    await second.work();
    await settle();
    const done = await api.job(job.jobId);
    expect(done.body.status).toBe('completed');
    const output = (await api.result(job.jobId, owner.token)).body;
    expect(output.nonces).toEqual(bruteForceNonces('feedc0de', 6, 1000, 3000));
    expect(output.nonces.length).toBeGreaterThan(0);
    expect((await first.me()).credit.verified).toBe((await second.me()).credit.verified);
  });

  it('re-issues an expired lease to someone else and refuses the late result with 410', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 4, 4, 4);
    const slow = await SimVolunteer.register();
    const fast = await SimVolunteer.register();
    const held = await slow.lease(100);
    expect(held.length).toBe(job.shards);
    const none = await api.lease(fast.token, { max: 10, webgpu: true });
    expect(none.body.leases).toEqual([]);
    expect(none.body.retryAfterMs).toBeGreaterThan(0);

    // Computed while the lease is live: an expired lease no longer reads a private job's inputs.
    const lateBytes = await slow.compute(held[0]!);
    const later = Date.now() + (env().LEASE_SECONDS + 1) * 1000;
    clock.now = () => new Date(later);
    const reissued = await fast.lease(100);
    expect(reissued.map((l) => l.shardId).sort()).toEqual(held.map((l) => l.shardId).sort());

    const late = await api.put(slow.token, held[0]!.leaseId, lateBytes);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('lease_expired');
    for (const lease of reissued)
      expect((await api.put(fast.token, lease.leaseId, await fast.compute(lease))).status).toBe(202);
    await settle();
    expect((await api.job(job.jobId)).body.status).toBe('completed');
    expect((await slow.me()).credit.verified).toBe(0);
  });

  it('never gives one volunteer two replicas of one shard, even under concurrent lease calls', async () => {
    const owner = await SimVolunteer.register();
    const job = await hashJob(owner, 40_000, { min: 3, max: 4 });
    const greedy = await SimVolunteer.register();
    const batches = await Promise.all(Array.from({ length: 6 }, () => greedy.lease(50)));
    const shardIds = batches.flat().map((l) => l.shardId);
    expect(shardIds.length).toBe(job.shards);
    expect(new Set(shardIds).size).toBe(shardIds.length);
    expect(await greedy.lease(50)).toEqual([]);
    const others = await Promise.all([SimVolunteer.register(), SimVolunteer.register()]);
    for (const other of others) expect((await other.lease(256)).length).toBe(job.shards);
    const perVolunteer = await queryRows<{ n: number }>(
      testDb.db,
      sql`
      SELECT count(*)::int AS n FROM leases WHERE job_id = ${job.jobId}::uuid GROUP BY shard_id, volunteer_id HAVING count(*) > 1`,
    );
    expect(perVolunteer).toEqual([]);
  });

  it('leases only the kernels a worker asks for', async () => {
    const owner = await SimVolunteer.register();
    const hs = await hashJob(owner, 1000);
    const mm = await matmulJob(owner, 2, 2, 2);
    const picky = await SimVolunteer.register();
    const onlyHash = await picky.lease(50, { kernels: ['hashsearch'] });
    expect(onlyHash.length).toBeGreaterThan(0);
    expect(new Set(onlyHash.map((l) => l.kernel))).toEqual(new Set(['hashsearch']));
    // The matmul job queued beside it is not handed to a worker that asked for hashsearch only.
    expect(onlyHash.map((l) => l.jobId)).not.toContain(mm.jobId);
    expect(await picky.lease(50, { kernels: ['no-such-kernel'] })).toEqual([]);
    const rest = await picky.lease(50, { kernels: ['matmul'] });
    expect(rest.map((l) => l.jobId)).toContain(mm.jobId);
    // Release everything this test leased so later tests start from an empty queue.
    for (const job of [hs.jobId, mm.jobId]) expect((await api.cancel(owner.token, job)).status).toBe(200);
  });

  it('offers a handed-back lease again at once, and fails a poison shard after a bounded number of error reports', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 2, 2, 2, { tileRows: 2, tileCols: 2 });
    const quitter = await SimVolunteer.register();
    const [held] = await quitter.lease(10, { kernels: ['matmul'] });
    expect(held?.jobId).toBe(job.jobId);
    const taker = await SimVolunteer.register();
    expect(await taker.lease(10, { kernels: ['matmul'] })).toEqual([]);
    const computed = await quitter.compute(held!); // while held: a released lease reads no private inputs
    const released = await api.release(quitter.token, held!.leaseId);
    expect(released.status).toBe(200);
    expect(released.body.state).toBe('released');
    expect((await api.release(quitter.token, held!.leaseId)).body.state).toBe('released');
    const late = await api.put(quitter.token, held!.leaseId, computed);
    expect(late.status).toBe(410);
    const [again] = await taker.lease(10, { kernels: ['matmul'] });
    expect(again?.shardId).toBe(held!.shardId);
    expect((await api.release((await SimVolunteer.register()).token, again!.leaseId)).status).toBe(404);

    // Three reputable volunteers report that the shard cannot be computed: the job fails and says
    // why. (Reports from fresh identities never fail a job: assignment.test.ts.)
    const reporters = [taker, ...(await Promise.all([SimVolunteer.register(), SimVolunteer.register()]))];
    for (const reporter of reporters) await grantReputation(reporter.id, 'onnx');
    for (const [i, reporter] of reporters.entries()) {
      const lease = i === 0 ? again! : (await reporter.lease(10, { kernels: ['matmul'] }))[0]!;
      expect(lease.shardId).toBe(held!.shardId);
      const r = await api.reportError(reporter.token, lease.leaseId, {
        name: 'ShardTimeoutError',
        message: 'no answer in 30 s',
      });
      expect(r.status).toBe(200);
      expect(r.body.state).toBe('failed');
    }
    const failed = await api.job(job.jobId);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error).toMatch(/failed on 3 reputable volunteers.*ShardTimeoutError: no answer/);
    expect(await (await SimVolunteer.register()).lease(10, { kernels: ['matmul'] })).toEqual([]);
  });

  it('turns 50 concurrent identical submissions into one result and one credit', async () => {
    const owner = await SimVolunteer.register();
    await matmulJob(owner, 3, 3, 3, { tileRows: 3, tileCols: 3 });
    const worker = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    const bytes = await worker.compute(lease!);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? api.put(worker.token, lease!.leaseId, bytes)
          : api.batch(worker.token, [{ leaseId: lease!.leaseId, bytes }]),
      ),
    );
    for (const a of answers) {
      const status = a.status === 202 ? a.body.status : a.body.results[0].status;
      // Each answer is the result's status at that moment: stored, or already validated.
      expect(['pending', 'valid']).toContain(status);
    }
    await settle();
    expect((await api.put(worker.token, lease!.leaseId, bytes)).body.status).toBe('valid');
    expect(await count('results', sql`lease_id = ${lease!.leaseId}::uuid`)).toBe(1);
    expect(await count('credits', sql`volunteer_id = ${worker.id}::uuid`)).toBe(1);
    expect((await worker.me()).shardsDone).toBe(1);
    const changed = bytes.slice();
    changed[0] = changed[0]! ^ 1;
    const conflict = await api.put(worker.token, lease!.leaseId, changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
  });

  it("keeps a liar's wrong results out of the output and pays them nothing", async () => {
    const owner = await SimVolunteer.register();
    const mm = await matmulJob(owner, 6, 6, 5, { tileRows: 3, tileCols: 3 });
    const liar = await SimVolunteer.register();
    const leases = await liar.lease(100);
    const lies = await Promise.all(
      leases.map(async (l) => {
        const bytes = await liar.compute(l);
        const f = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        f[f.length - 1] = f[f.length - 1]! + 0.5;
        return { leaseId: l.leaseId, bytes };
      }),
    );
    for (const a of await liar.submitBatch(lies)) expect(a.status).toBe('pending');
    await settle();
    // The same bytes again answer the verdict the validator reached.
    for (const a of await liar.submitBatch(lies)) expect(a.status).toBe('invalid');
    const honest = await SimVolunteer.register();
    await honest.work();
    await settle();
    expect((await api.job(mm.jobId)).body.status).toBe('completed');
    const c = parseNpy((await api.result(mm.jobId, owner.token)).body as Uint8Array, 'c');
    const expected = product(mm.a, mm.b, 6, 6, 5);
    for (const [i, v] of c.data.entries()) expect(v).toBeCloseTo(expected[i]!, 4);

    // A hashsearch liar hides a nonce: plausible on its own, outvoted by two honest replicas.
    const hs = await hashJob(owner, 2000, { min: 2, max: 3 });
    const hider = await SimVolunteer.register();
    const hidden = await hider.lease(100);
    await hider.submitBatch(
      await Promise.all(
        hidden.map(async (l) => ({ leaseId: l.leaseId, bytes: (await hider.compute(l)).slice(8) })),
      ),
    );
    await settle();
    await (await SimVolunteer.register()).work();
    await settle();
    await (await SimVolunteer.register()).work();
    await settle();
    expect((await api.job(hs.jobId)).body.status).toBe('completed');
    const nonces = (await api.result(hs.jobId, owner.token)).body.nonces;
    expect(nonces).toEqual(bruteForceNonces('feedc0de', 6, 1000, 2000));

    for (const cheat of [liar, hider]) {
      const me = await cheat.me();
      expect(me.credit.verified).toBe(0);
      expect(me.credit.pending).toBe(0);
      expect(me.shardsRejected).toBeGreaterThan(0);
      expect(await count('credits', sql`volunteer_id = ${cheat.id}::uuid`)).toBe(0);
    }
  });

  it('fails a job visibly when a shard keeps disagreeing up to replication.max', async () => {
    const owner = await SimVolunteer.register();
    // One 16×16 mandelbrot tile: the sampled check recomputes every pixel but lets two differ
    // (GPU rounding), so answers two pixels apart each pass it and still disagree with each other.
    const created = await api.createJob(owner.token, {
      kernel: 'mandelbrot',
      params: { width: 16, height: 16, centerX: -0.5, centerY: 0, scale: 3, maxIter: 64, tileSize: 16 },
      replication: { min: 2, max: 3 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const job = { jobId: created.body.jobId as string };
    expect(created.body.shards).toBe(1);
    const nudge = (bytes: Uint8Array, pixels: number[]) => {
      const out = new Uint8Array(bytes);
      const view = new DataView(out.buffer);
      for (const p of pixels)
        view.setUint32(4 * p, view.getUint32(4 * p, true) === 0 ? 1 : view.getUint32(4 * p, true) - 1, true);
      return out;
    };
    const volunteers = await Promise.all([1, 2, 3].map(() => SimVolunteer.register()));
    for (const [i, v] of volunteers.entries()) {
      const [lease] = await v.lease(1);
      expect(lease, `volunteer ${i} should get a replica`).toBeDefined();
      const honest = await v.compute(lease!);
      // Three different, individually plausible answers.
      const answer = i === 0 ? honest : i === 1 ? nudge(honest, [0, 1]) : nudge(honest, [2, 3]);
      const [r] = await v.submitBatch([{ leaseId: lease!.leaseId, bytes: answer }]);
      expect(r!.error).toBeUndefined();
      await settle();
    }
    const failed = await api.job(job.jobId);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error).toMatch(/Shard 0/);
    expect(failed.body.progress.failed).toBe(1);
    const result = await api.result(job.jobId, owner.token);
    expect(result.status).toBe(409);
    expect(result.body.error.message).toMatch(/failed/);
    expect(await count('credits', sql`job_id = ${job.jobId}::uuid`)).toBe(0);
    const extra = await SimVolunteer.register();
    expect(await extra.lease(10)).toEqual([]);
  });

  it('gives the slot of a result its check refused to another volunteer: liars cannot use up a shard', async () => {
    const owner = await SimVolunteer.register();
    const job = await hashJob(owner, 500, { min: 2, max: 3 });
    expect(job.shards).toBe(1);
    const [honest, liar1, liar2, late] = await Promise.all([1, 2, 3, 4].map(() => SimVolunteer.register()));
    const answer = async (v: SimVolunteer, lie: boolean) => {
      const [lease] = await v.lease(1);
      expect(lease).toBeDefined();
      // "No matches" without searching: the shard's ringers are missing, so the check refuses it.
      const bytes = lie ? new Uint8Array(0) : await v.compute(lease!);
      await v.submitBatch([{ leaseId: lease!.leaseId, bytes }]);
      await settle();
    };
    await answer(liar1!, true);
    await answer(honest!, false);
    await answer(liar2!, true);
    // Three results, replication.max 3 — but two were refused, so the shard still takes replicas.
    expect((await api.job(job.jobId)).body.status).toBe('running');
    await answer(late!, false);
    expect((await api.job(job.jobId)).body.status).toBe('completed');
    expect(await count('credits', sql`job_id = ${job.jobId}::uuid`)).toBe(2);
    expect(
      await count(
        'results',
        sql`status = 'invalid' AND volunteer_id IN (${liar1!.id}::uuid, ${liar2!.id}::uuid)`,
      ),
    ).toBe(2);
  });

  it('lets only the owner cancel, then hands out and accepts no more work for the job', async () => {
    const owner = await SimVolunteer.register();
    const job = await hashJob(owner, 200_000);
    const worker = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    const stranger = await SimVolunteer.register();
    const forbidden = await api.cancel(stranger.token, job.jobId);
    expect(forbidden.status).toBe(403);
    expect((await api.cancel(undefined, job.jobId)).status).toBe(401);
    const cancelled = await api.cancel(owner.token, job.jobId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api.cancel(owner.token, job.jobId)).body.status).toBe('cancelled');
    expect(await worker.lease(10)).toEqual([]);
    const late = await api.put(worker.token, lease!.leaseId, await worker.compute(lease!));
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('job_closed');
  });

  it('streams progress as Server-Sent Events until the job ends', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 4, 4, 2, { tileRows: 2, tileCols: 2 });
    const response = await api.events(job.jobId);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value);
    expect(text).toContain('event: progress');
    expect(text).toContain('"status":"queued"');
    await (await SimVolunteer.register()).work();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toContain('"status":"completed"');
    expect(text).toMatch(/event: end\ndata: {"status":"completed"}/);
  });

  it('keeps every acknowledged write across a coordinator restart on the same data', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 8, 8, 3, { tileRows: 4, tileCols: 4 });
    const worker = await SimVolunteer.register();
    await worker.work({ batch: 2, rounds: 1 });
    await settle();
    const before = await api.job(job.jobId);
    expect(before.body.progress.verified).toBe(2);
    const held = await worker.lease(1);

    await testDb.restart();

    const after = await api.job(job.jobId);
    expect(after.body.progress).toEqual({ ...before.body.progress, running: 1 });
    expect((await worker.me()).shardsDone).toBe(2);
    const r = await api.put(worker.token, held[0]!.leaseId, await worker.compute(held[0]!));
    expect(r.status).toBe(202);
    await worker.work();
    await settle();
    expect((await api.job(job.jobId)).body.status).toBe('completed');
  });
});
