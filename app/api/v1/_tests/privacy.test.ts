import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '@/lib/coordinator/clock';
import { createJob } from '@/lib/coordinator/jobs/create-job';
import { deleteUnneededBlobs } from '@/lib/coordinator/privacy/delete-unneeded-blobs';
import { isBlobCached, sha256Hex } from '@/lib/db/blobs';
import { writeNpy } from '@/lib/kernels/npy';
import { api, backend, settle, testDbForFile, toBase64 } from './harness';
import { SimVolunteer } from './volunteer-sim';

const testDb = testDbForFile();

afterEach(() => {
  clock.now = () => new Date();
});

let seed = 1;
function matrix(rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = ((seed++ * 7919) % 1000) / 500 - 1;
  return out;
}

async function matmul(owner: SimVolunteer, visibility?: 'public' | 'private') {
  const a = writeNpy(4, 3, matrix(4, 3));
  const b = writeNpy(3, 4, matrix(3, 4));
  const r = await api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m: 4, n: 4, k: 3 },
    inputs: { a: toBase64(a), b: toBase64(b) },
    title: 'Quarterly payroll model',
    ...(visibility ? { visibility } : {}),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { jobId: r.body.jobId as string, a: sha256Hex(a), b: sha256Hex(b) };
}

describe(`job data visibility (${backend})`, () => {
  it('makes API jobs private by default: a private job’s blobs are 404 to strangers, 200 to its submitter and its lease holder', async () => {
    const owner = await SimVolunteer.register();
    const stranger = await SimVolunteer.register();
    const job = await matmul(owner);
    expect((await api.job(job.jobId, owner.token)).body).toMatchObject({
      visibility: 'private',
      title: 'Quarterly payroll model',
      params: { m: 4, n: 4, k: 3 },
    });

    // Strangers: the job input is 404, with or without a token; listings show no params and no
    // title (the submitter's words may say as much as the data).
    for (const token of [undefined, stranger.token]) {
      const r = await api.blob(job.a, { token });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect((await api.job(job.jobId, token)).body).toMatchObject({ params: null, title: null });
      const listed = (await api.listJobs('', token)).body.jobs.find((j: any) => j.jobId === job.jobId);
      expect(listed).toMatchObject({ visibility: 'private', params: null, title: null });
    }
    // The submitter reads its input, never cached publicly.
    const own = await api.blob(job.a, { token: owner.token });
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('private, no-store');
    expect(sha256Hex(own.body as Uint8Array)).toBe(job.a);

    // A volunteer holding a live lease reads that shard's inputs, by the lease URL or its token.
    const worker = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    expect(lease?.jobId).toBe(job.jobId);
    const shardInput = lease!.inputs[0]!;
    expect(shardInput.url).toBe(`/api/v1/blobs/${shardInput.sha256}?lease=${lease!.leaseId}`);
    const byUrl = await api.blob(shardInput.sha256, { query: `?lease=${lease!.leaseId}` });
    expect(byUrl.status).toBe(200);
    expect(byUrl.headers.get('cache-control')).toBe('private, no-store');
    expect((await api.blob(shardInput.sha256, { token: worker.token })).status).toBe(200);
    // …and nothing else: not the whole job input, not this shard's inputs for a stranger.
    expect((await api.blob(job.a, { token: worker.token })).status).toBe(404);
    expect((await api.blob(shardInput.sha256, { token: stranger.token })).status).toBe(404);
    expect((await api.blob(shardInput.sha256, { query: `?lease=${randomUUID()}` })).status).toBe(404);

    // Once the lease has expired, its holder is a stranger again.
    clock.now = () => new Date(Date.now() + 3_600_000);
    expect((await api.blob(shardInput.sha256, { query: `?lease=${lease!.leaseId}` })).status).toBe(404);
    expect((await api.blob(shardInput.sha256, { token: worker.token })).status).toBe(404);
    clock.now = () => new Date();

    // The result of a private job: submitter only.
    await worker.submitBatch([{ leaseId: lease!.leaseId, bytes: await worker.compute(lease!) }]);
    await settle();
    await worker.work();
    await settle();
    await (await SimVolunteer.register()).work();
    await settle();
    await (await SimVolunteer.register()).work();
    await settle();
    expect((await api.job(job.jobId)).body.status).toBe('completed');
    expect((await api.result(job.jobId)).status).toBe(401);
    expect((await api.result(job.jobId, stranger.token)).status).toBe(403);
    const result = await api.result(job.jobId, owner.token);
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('private, no-store');
  });

  it('serves a public job’s blobs to anyone, cached as immutable', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmul(owner, 'public');
    const r = await api.blob(job.b);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await api.job(job.jobId)).body.params).toEqual({ m: 4, n: 4, k: 3 });
  });
});

describe(`caches fill only after commit (${backend})`, () => {
  it('never serves the blob of a job whose transaction rolled back', async () => {
    const bytes = writeNpy(2, 2, new Float32Array([9, 8, 7, 6.5]));
    const sha = sha256Hex(bytes);
    // The owner does not exist: the job insert fails after the blobs were written, and all of it rolls back.
    await expect(
      createJob(testDb.db, {
        ownerId: randomUUID(),
        kernel: 'matmul',
        params: { m: 2, n: 2, k: 2 },
        inputs: { a: bytes, b: writeNpy(2, 2, new Float32Array([1, 2, 3, 4])) },
      }),
    ).rejects.toThrow();
    expect(isBlobCached(sha)).toBe(false);
    const stranger = await SimVolunteer.register();
    for (const token of [undefined, stranger.token])
      expect((await api.blob(sha, { token })).status).toBe(404);
    // Not even after a restart (the database never had it).
    await testDb.restart();
    expect((await api.blob(sha)).status).toBe(404);
  });
});

describe(`retention (${backend})`, () => {
  it('deletes the blobs no job needs after the retention period, and keeps the rest', async () => {
    const owner = await SimVolunteer.register();
    const ended = await matmul(owner, 'public');
    const live = await matmul(owner, 'public');
    const cancelled = await api.cancel(owner.token, ended.jobId);
    expect(cancelled.status).toBe(200);

    // Within the retention period nothing goes.
    expect((await deleteUnneededBlobs(testDb.db, { retentionSeconds: 3600 })).deleted).toEqual([]);
    expect((await api.blob(ended.a)).status).toBe(200);

    // After it: the cancelled job's inputs and shard inputs go; the live job's stay.
    clock.now = () => new Date(Date.now() + 2 * 3_600_000);
    const { deleted } = await deleteUnneededBlobs(testDb.db, { retentionSeconds: 3600 });
    expect(deleted).toEqual(expect.arrayContaining([ended.a, ended.b]));
    expect(deleted).not.toContain(live.a);
    expect(deleted).not.toContain(live.b);
    clock.now = () => new Date();
    expect((await api.blob(ended.a)).status).toBe(404);
    expect(isBlobCached(ended.a)).toBe(false);
    expect((await api.blob(live.a)).status).toBe(200);
    // The cancelled job is still listed; only its data is gone.
    expect((await api.job(ended.jobId)).body.status).toBe('cancelled');
    // Running it again deletes nothing more (idempotent).
    clock.now = () => new Date(Date.now() + 2 * 3_600_000);
    expect((await deleteUnneededBlobs(testDb.db, { retentionSeconds: 3600 })).deleted).toEqual([]);
  });
});
