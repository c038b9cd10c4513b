import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, backend, settle, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

testDbForFile();
let owner: SimVolunteer;
const example = readFileSync(path.join(process.cwd(), 'shaders/custom-wgsl-example.wgsl'), 'utf8');

beforeAll(async () => {
  owner = await SimVolunteer.register();
});

describe(`mandelbrot, montecarlo and wgsl through the API (${backend})`, () => {
  it('completes a mandelbrot job with a quorum of two and serves a PNG', async () => {
    const created = await api.createJob(owner.token, {
      kernel: 'mandelbrot',
      params: { width: 48, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 64, tileSize: 16 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const first = await SimVolunteer.register();
    const second = await SimVolunteer.register();
    // Leasing skips shards another transaction holds (the validator's write): a volunteer that
    // found nothing asks again, as real ones do after `retryAfterMs`.
    for (let round = 0; round < 5; round++) {
      await first.work();
      await second.work();
      await settle();
      if ((await api.job(created.body.jobId)).body.status === 'completed') break;
    }
    const job = await api.job(created.body.jobId);
    expect(job.body.status).toBe('completed');
    const result = await api.result(created.body.jobId, owner.token);
    expect(result.headers.get('content-type')).toBe('image/png');
    const png = result.body as Uint8Array;
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('prices a European call with montecarlo within its own 95 % interval of Black–Scholes', async () => {
    const created = await api.createJob(owner.token, {
      kernel: 'montecarlo',
      params: {
        spot: 100,
        strike: 105,
        rate: 0.03,
        volatility: 0.2,
        maturity: 1,
        optionType: 'call',
        paths: 65536,
        seed: 7,
        pathsPerShard: 16384,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await (await SimVolunteer.register()).work();
    await (await SimVolunteer.register()).work();
    await settle();
    expect((await api.job(created.body.jobId)).body.status).toBe('completed');
    const output = (await api.result(created.body.jobId, owner.token)).body;
    expect(output.paths).toBe(65536);
    expect(output.confidence95[0]).toBeLessThan(output.price);
    expect(output.confidence95[1]).toBeGreaterThan(output.price);
    expect(Math.abs(output.price - output.blackScholes)).toBeLessThan(4 * output.stdError);
  });

  it('accepts a wgsl job without an input file, refuses a broken shader, and never leases wgsl to a CPU worker', async () => {
    const broken = await api.createJob(owner.token, {
      kernel: 'wgsl',
      params: { code: 'fn main( {', workgroups: [1, 1, 1], outputBytes: 64 },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.field).toBe('params.code');
    expect(broken.body.error.message).toMatch(/params\.code/);

    const created = await api.createJob(owner.token, {
      kernel: 'wgsl',
      params: { code: example, workgroups: [1, 1, 1], outputBytes: 64, shards: 2 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const cpu = await SimVolunteer.register();
    expect(await cpu.lease(10, { webgpu: false })).toEqual([]);
    const gpu = await SimVolunteer.register();
    const leases = await gpu.lease(10, { webgpu: true, kernels: ['wgsl'] });
    expect(leases.map((l) => l.kernel)).toEqual(['wgsl', 'wgsl']);
  });

  it('sends the replicas of an exact wgsl shard to one class of adapter only (homogeneous redundancy)', async () => {
    const created = await api.createJob(owner.token, {
      kernel: 'wgsl',
      params: { code: example, workgroups: [1, 1, 1], outputBytes: 64, comparison: 'exact' },
      replication: { min: 2, max: 3 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const nvidia = { vendor: 'nvidia', architecture: 'hopper', features: [] };
    const amd = { vendor: 'amd', architecture: 'rdna-3', features: [] };
    const first = await SimVolunteer.register();
    const [lease] = await first.lease(5, { kernels: ['wgsl'], adapter: nvidia });
    expect(lease?.jobId).toBe(created.body.jobId);
    const other = await SimVolunteer.register();
    expect(await other.lease(5, { kernels: ['wgsl'], adapter: amd })).toEqual([]);
    const same = await SimVolunteer.register();
    const [second] = await same.lease(5, { kernels: ['wgsl'], adapter: { ...nvidia, features: ['f16'] } });
    expect(second?.shardId).toBe(lease!.shardId);

    // A tolerance comparison needs no such grouping.
    const tolerant = await api.createJob(owner.token, {
      kernel: 'wgsl',
      params: { code: example, workgroups: [1, 1, 1], outputBytes: 64, comparison: { tolerance: 1e-5 } },
      replication: { min: 2, max: 3 },
    });
    expect(tolerant.status).toBe(201);
    const [a] = await (await SimVolunteer.register()).lease(5, { kernels: ['wgsl'], adapter: nvidia });
    const [b] = await (await SimVolunteer.register()).lease(5, { kernels: ['wgsl'], adapter: amd });
    expect(a?.jobId).toBe(tolerant.body.jobId);
    expect(b?.shardId).toBe(a!.shardId);
  });
});
