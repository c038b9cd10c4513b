import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { parseNpy, writeNpy } from '../lib/kernels/npy';
import { bytesOf, initWorker, openLab, randomF32, runShard, worstErrorRatio } from './gpu-lab-fixtures';

// The CPU fallback (forceCpu: the kernels' reference in the worker) produces results the real
// coordinator accepts: register, submit a job over the API, lease, compute in the page's worker,
// PUT the result, and see the job complete with the right answer.

interface Lease {
  leaseId: string;
  jobId: string;
  kernel: string;
  params: unknown;
  inputs: { name: string; url: string }[];
}

async function register(request: APIRequestContext): Promise<Record<string, string>> {
  const response = await request.post('/api/v1/volunteers', { data: {} });
  expect(response.status()).toBe(201);
  const { token } = await response.json();
  return { authorization: `Bearer ${token}` };
}

/**
 * Leases whatever work is offered and completes it honestly with the page's CPU-fallback worker
 * (other specs' shards included, so nothing is left hanging) until `job` has no shard left for
 * this volunteer. Returns the statuses of this job's submissions.
 */
async function donateOnCpu(
  page: Page,
  request: APIRequestContext,
  headers: Record<string, string>,
  jobId: string,
) {
  const statuses: string[] = [];
  for (let round = 0; round < 50; round++) {
    const response = await request.post('/api/v1/leases', { headers, data: { max: 8, webgpu: false } });
    expect(response.status()).toBe(200);
    const { leases } = (await response.json()) as { leases: Lease[] };
    if (leases.length === 0) break;
    for (const lease of leases) {
      const inputs: Record<string, number[]> = {};
      for (const input of lease.inputs) {
        const blob = await request.get(input.url);
        expect(blob.status()).toBe(200);
        inputs[input.name] = Array.from(await blob.body());
      }
      const out = await runShard(page, 'cpu', { kernel: lease.kernel, params: lease.params, inputs });
      if (!out.ok) throw new Error(`${lease.kernel}: ${out.name}: ${out.message}`);
      expect(out.gpuMs, 'the CPU fallback ran, not the GPU').toBeNull();
      expect(out.shaderKey).toBeNull();
      const put = await request.put(`/api/v1/leases/${lease.leaseId}/result`, {
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        data: Buffer.from(out.result),
      });
      expect(put.status(), await put.text()).toBe(202);
      const { status } = await put.json();
      if (lease.jobId === jobId) statuses.push(status);
    }
  }
  return statuses;
}

async function jobStatus(request: APIRequestContext, jobId: string): Promise<string> {
  const response = await request.get(`/api/v1/jobs/${jobId}`);
  expect(response.status()).toBe(200);
  return (await response.json()).status;
}

test.beforeEach(async ({ page }) => {
  await openLab(page);
  const summary = await initWorker(page, 'cpu', true);
  expect(summary).toMatchObject({ mode: 'cpu', description: 'CPU fallback: forced by forceCpu' });
});

test('matmul computed by the CPU fallback is verified (Freivalds) and the job completes with C', async ({
  page,
  request,
}) => {
  const [m, n, k] = [40, 24, 12];
  const a = randomF32(m * k, 5);
  const b = randomF32(k * n, 6);
  const headers = await register(request);
  const created = await request.post('/api/v1/jobs', {
    headers,
    data: {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 16, tileCols: 16 },
      inputs: {
        a: Buffer.from(writeNpy(m, k, a)).toString('base64'),
        b: Buffer.from(writeNpy(k, n, b)).toString('base64'),
      },
      title: 'gpu-cpu-fallback matmul',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { jobId, shards } = await created.json();
  expect(shards).toBe(6);

  // Each result is stored and answered `pending`; the validator's Freivalds check completes the job.
  const statuses = await donateOnCpu(page, request, headers, jobId);
  expect(statuses).toHaveLength(6);
  for (const status of statuses) expect(['pending', 'valid']).toContain(status);
  await expect.poll(() => jobStatus(request, jobId), { timeout: 30_000 }).toBe('completed');

  const result = await request.get(`/api/v1/jobs/${jobId}/result`, { headers });
  expect(result.status()).toBe(200);
  const c = parseNpy(new Uint8Array(await result.body()), 'c');
  expect(c.shape).toEqual([m, n]);
  expect(worstErrorRatio(c.data, a, b, m, n, k)).toBeLessThanOrEqual(1);
  expect(bytesOf(c.data).length).toBe(m * n * 4);
});

test('hashsearch computed by two CPU-fallback volunteers reaches a quorum and the job completes', async ({
  page,
  request,
}) => {
  const first = await register(request);
  const created = await request.post('/api/v1/jobs', {
    headers: first,
    data: {
      kernel: 'hashsearch',
      params: {
        prefix: '6670752d66616c6c6261636b',
        difficulty: 8,
        nonceStart: String(2 ** 32 - 3000),
        nonceCount: 6000,
      },
      // Ringers make one replica enough by default; ask for two so both CPU volunteers take part.
      replication: { min: 2, max: 4 },
      title: 'gpu-cpu-fallback hashsearch',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { jobId } = await created.json();

  expect(await donateOnCpu(page, request, first, jobId)).toEqual(['pending']);
  expect(await jobStatus(request, jobId)).not.toBe('completed');
  const second = await register(request);
  expect(await donateOnCpu(page, request, second, jobId)).toEqual(['pending']);
  await expect.poll(() => jobStatus(request, jobId), { timeout: 30_000 }).toBe('completed');

  const result = await request.get(`/api/v1/jobs/${jobId}/result`, { headers: first });
  expect(result.status()).toBe(200);
  const { nonces } = await result.json();
  expect(nonces.length).toBeGreaterThan(5);
  expect(nonces.some((nonce: string) => BigInt(nonce) >= 2n ** 32n)).toBe(true);
});
