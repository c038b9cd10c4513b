import { type APIRequestContext, expect, test } from '@playwright/test';
import { checkWgslAbi } from '../lib/kernels/wgsl/custom-wgsl-abi';
import { bytesOf, initWorker, openLab, randomF32, runShard } from './gpu-lab-fixtures';
import { runOnGpu, wireShard } from './gpu2-fixtures';

// A poison `wgsl` job end to end: a shader that cannot run is refused at submission; one that runs
// far past its deadline is leased through the real API, times out in the page's compute worker on Chromium's
// WebGPU (SwiftShader), is reported the way browser/volunteer/volunteer-client.ts reports it, and fails its
// job, while the page and the worker's GPU runtime carry on.

const ABI_HEADER = `
struct ShardInfo { shardIndex: u32, shardCount: u32, inputBytes: u32, outputBytes: u32 }
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@group(0) @binding(2) var<uniform> info: ShardInfo;
`;

/**
 * The poison: each invocation runs an LCG for `input[0]` steps, each depending on the last, and
 * stores the result, so no compiler can drop or shorten the loop, and the count is data, not a
 * constant it could fold. At `RUNAWAY_STEPS` it spins about 10 s on SwiftShader, five times the
 * 2 s watchdog. Not 2^31: SwiftShader cannot preempt a running shader (destroying the device does
 * not stop it), so a truly endless one keeps the browser's GPU process busy for the better part of
 * an hour, and nothing else in that browser would run on the GPU until it ended.
 */
const RUNAWAY = `${ABI_HEADER}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  var x = input[1] + id.x + info.shardIndex;
  for (var i = 0u; i < input[0]; i++) {
    x = x * 1664525u + 1013904223u + (x >> 13u);
  }
  output[id.x] = x;
}`;
const RUNAWAY_STEPS = 2 ** 25;

async function register(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/v1/volunteers', { data: {} });
  expect(response.status()).toBe(201);
  return (await response.json()).token;
}

function submit(
  request: APIRequestContext,
  token: string,
  params: unknown,
  extra: { replication?: unknown; inputs?: Record<string, string> } = {},
) {
  return request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${token}` },
    data: { kernel: 'wgsl', params, ...extra, title: 'e2e poison' },
  });
}

test('a shader that does not parse or does not fit the ABI is refused at submission, naming params.code', async ({
  request,
}) => {
  const token = await register(request);
  const cases = [
    { code: 'fn main( {', says: 'does not parse' },
    // No shard-info binding: it would parse, but could never be bound by the runtime.
    {
      code: RUNAWAY.replace('@group(0) @binding(2) var<uniform> info: ShardInfo;', '').replace(
        ' + info.shardIndex',
        '',
      ),
      says: '@binding(2)',
    },
  ];
  for (const { code, says } of cases) {
    const response = await submit(request, token, { code, workgroups: [1, 1, 1], outputBytes: 16 });
    const body = await response.json();
    expect(response.status(), JSON.stringify(body)).toBe(400);
    expect(body.error.field).toBe('params.code');
    expect(body.error.message).toContain('params.code');
    expect(body.error.message).toContain(says);
  }
});

test('a runaway shader times out in the worker, the report is recorded, and the page and GPU runtime recover', async ({
  page,
  request,
}) => {
  // The poison passes the submission check: only running it shows that it runs far too long.
  expect(checkWgslAbi(RUNAWAY)).toEqual({ workgroupSize: [64, 1, 1] });
  const submitter = await register(request);
  const submitted = await submit(
    request,
    submitter,
    { code: RUNAWAY, workgroups: [1, 1, 1], outputBytes: 256 },
    {
      replication: { min: 2, max: 2 },
      inputs: { input: Buffer.from(new Uint32Array([RUNAWAY_STEPS, 12345]).buffer).toString('base64') },
    },
  );
  expect(submitted.status(), await submitted.text()).toBe(201);
  const { jobId } = await submitted.json();

  // A volunteer leases the shard through the API, as browser/volunteer/volunteer-client.ts does.
  const volunteer = await register(request);
  const auth = { authorization: `Bearer ${volunteer}` };
  const leased = await request.post('/api/v1/leases', {
    headers: auth,
    data: {
      max: 1,
      webgpu: true,
      kernels: ['wgsl'],
      adapter: { vendor: 'google', architecture: 'swiftshader', features: [], fallback: true },
    },
  });
  expect(leased.status(), await leased.text()).toBe(200);
  const [lease] = (await leased.json()).leases;
  expect(lease, 'the poison shard is leased').toMatchObject({ jobId, kernel: 'wgsl' });
  const inputs: Record<string, number[]> = {};
  for (const input of lease.inputs as { name: string; url: string }[]) {
    const blob = await request.get(input.url);
    expect(blob.status()).toBe(200);
    inputs[input.name] = Array.from(await blob.body());
  }

  await openLab(page);
  expect((await initWorker(page, 'gpu')).mode).toBe('webgpu');
  const started = Date.now();
  const running = runOnGpu(
    page,
    'gpu',
    { kernel: lease.kernel, params: lease.params, inputs },
    { timeoutMs: 2000 },
  );
  // While the shader spins, the page answers and its controls still take focus: the GPU work is in
  // the worker and the GPU process, never on the page's thread.
  await page.waitForTimeout(500);
  const pinged = Date.now();
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(Date.now() - pinged, 'page.evaluate answers promptly mid-run').toBeLessThan(1000);
  const button = page.getByRole('button', { name: /Run self-test/ });
  await button.focus({ timeout: 2000 });
  await expect(button).toBeFocused();

  const outcome = await running;
  const elapsed = Date.now() - started;
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: false, name: 'ShardTimeoutError' });
  expect(elapsed, 'the watchdog fires at 2 s, not when the shader ends').toBeLessThan(6000);
  const pingedAfter = Date.now();
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(Date.now() - pingedAfter, 'page.evaluate answers promptly after the timeout').toBeLessThan(1000);
  if (outcome.ok) return;

  // Report it as volunteer-client's handBack does. The report is recorded and the lease released,
  // but a fresh identity's reports never fail a job (only reputable reporters' do, docs/trust.md):
  // the submitter cancels it.
  const reported = await request.post(`/api/v1/leases/${lease.leaseId}/error`, {
    headers: auth,
    data: { name: outcome.name, message: outcome.message },
  });
  expect(reported.status(), await reported.text()).toBe(200);
  expect(await reported.json()).toEqual({ leaseId: lease.leaseId, state: 'failed' });
  const job = await (await request.get(`/api/v1/jobs/${jobId}`)).json();
  expect(job.status, JSON.stringify(job)).toBe('running');
  expect(job.progress).toMatchObject({ total: 1, failed: 0, verified: 0 });
  const cancelled = await request.delete(`/api/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${submitter}` },
  });
  expect(cancelled.status(), await cancelled.text()).toBe(200);

  // The same worker runs a normal shard afterwards, on the GPU, correctly: the runtime recovered.
  // (On SwiftShader it starts once the runaway shader has drained, within its ~10 s.)
  const a = randomF32(5 * 7, 11);
  const b = randomF32(7 * 3, 12);
  const next = await runShard(page, 'gpu', {
    kernel: 'matmul',
    params: { m: 5, n: 3, k: 7, row0: 0, rows: 5, col0: 0, cols: 3 },
    inputs: { a: bytesOf(a), b: bytesOf(b) },
  });
  expect(next.ok, JSON.stringify(next)).toBe(true);
  expect(next.ok && next.agrees, 'matmul after the timeout agrees with its reference').toBe(true);
  expect(next.ok && next.shaderKey).toMatch(/^matmul\//);
  expect((await initWorker(page, 'gpu')).mode).toBe('webgpu');
});

test('a shader that writes and reads far out of range cannot escape its buffers: the run ends and the runtime carries on', async ({
  page,
}) => {
  // WGSL bounds every storage access (out-of-range writes are dropped or clamped into the buffer),
  // so this cannot be told from a correct shader at submission; running it must simply stay
  // inside the job's own output buffer.
  const OUT_OF_RANGE = `${ABI_HEADER}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  output[id.x + 100000000u] = 0xdeadbeefu;
  output[id.x] = input[id.x + 100000000u] + 7u + info.shardIndex;
}`;
  expect(checkWgslAbi(OUT_OF_RANGE)).toEqual({ workgroupSize: [64, 1, 1] });
  const { customWgsl } = await import('../lib/kernels/wgsl/custom-wgsl');
  const [shard] = customWgsl.split({
    params: customWgsl.paramsSchema.parse({ code: OUT_OF_RANGE, workgroups: [1, 1, 1], outputBytes: 64 }),
    inputs: { input: new Uint8Array(new Uint32Array([1, 2, 3, 4]).buffer) },
  });
  await openLab(page);
  expect((await initWorker(page, 'gpu')).mode).toBe('webgpu');
  const outcome = await runOnGpu(page, 'gpu', wireShard('wgsl', shard!), { timeoutMs: 10_000 });
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
  if (!outcome.ok) return;
  // The result has exactly the job's output size, whatever the clamped accesses did inside it.
  expect(outcome.result.length).toBe(64);

  const a = randomF32(3 * 4, 21);
  const b = randomF32(4 * 2, 22);
  const next = await runShard(page, 'gpu', {
    kernel: 'matmul',
    params: { m: 3, n: 2, k: 4, row0: 0, rows: 3, col0: 0, cols: 2 },
    inputs: { a: bytesOf(a), b: bytesOf(b) },
  });
  expect(next.ok && next.agrees, JSON.stringify(next)).toBe(true);
});
