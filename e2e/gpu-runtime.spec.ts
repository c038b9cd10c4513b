import { expect, test } from '@playwright/test';
import { hashsearchShard } from '../lib/kernels/hashsearch/hashsearch-ringers';
import { initWorker, openLab, runShard, type WireRequest } from './gpu-lab-fixtures';

// The compute worker's runtime behaviour in real Chromium with WebGPU (SwiftShader): device loss,
// the watchdog, bad leases, and that /lab starts nothing before the user asks.

/** About 2^20 SHA-256s: seconds on SwiftShader, long enough to still be in flight. */
const long: WireRequest = {
  kernel: 'hashsearch',
  params: hashsearchShard({ prefix: '6c6f6e67', difficulty: 12, nonceStart: '0', nonceCount: 2 ** 20 })
    .params,
  inputs: {},
};
const small: WireRequest = {
  kernel: 'hashsearch',
  params: hashsearchShard({
    prefix: '736d616c6c',
    difficulty: 5,
    nonceStart: String(2 ** 32 - 500),
    nonceCount: 1000,
  }).params,
  inputs: {},
};

test.beforeEach(async ({ page }) => {
  await openLab(page);
  expect((await initWorker(page, 'gpu')).mode).toBe('webgpu');
  // Warm up: compile the pipeline, so the shards below are timed on the GPU, not the compiler.
  const warm = await runShard(page, 'gpu', small);
  expect(warm.ok && warm.agrees).toBe(true);
});

test('a device lost mid-run rejects that shard with DeviceLostError; the next shard runs on a new device', async ({
  page,
}) => {
  const outcome = await page.evaluate(async (request) => {
    const api = window.__sparecyclesLab!.worker('gpu');
    const inFlight = api.run({ ...request, inputs: {} }).then(
      (out) => ({ ok: true as const, bytes: out.result.length }),
      (error: Error) => ({ ok: false as const, name: error.name, message: error.message }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await api.loseDevice();
    return inFlight;
  }, long);
  expect(outcome).toMatchObject({ ok: false, name: 'DeviceLostError' });

  const next = await runShard(page, 'gpu', small);
  expect(next.ok, JSON.stringify(next)).toBe(true);
  expect(next.ok && next.agrees).toBe(true);
  expect(next.ok && next.gpuMs).not.toBeNull();
  // And init still reports the GPU (the replacement device), not the CPU fallback.
  expect((await initWorker(page, 'gpu')).mode).toBe('webgpu');
});

test('losing the device right after run() was called still fails that run, never returns a result', async ({
  page,
}) => {
  const outcome = await page.evaluate(async (request) => {
    const api = window.__sparecyclesLab!.worker('gpu');
    const inFlight = api.run({ ...request, inputs: {} });
    await api.loseDevice();
    return inFlight.then(
      () => 'returned a result',
      (error: Error) => error.name,
    );
  }, small);
  expect(outcome).toBe('DeviceLostError');
  const next = await runShard(page, 'gpu', small);
  expect(next.ok && next.agrees).toBe(true);
});

test('the watchdog rejects a shard past its timeout with ShardTimeoutError, and the next shard succeeds', async ({
  page,
}) => {
  const started = Date.now();
  const timedOut = await runShard(page, 'gpu', long, { timeoutMs: 100 });
  expect(timedOut).toMatchObject({ ok: false, name: 'ShardTimeoutError' });
  expect(Date.now() - started).toBeLessThan(5_000);
  const next = await runShard(page, 'gpu', small);
  expect(next.ok, JSON.stringify(next)).toBe(true);
  expect(next.ok && next.agrees).toBe(true);
});

test('bad leases are refused with InvalidShardError, naming what is wrong', async ({ page }) => {
  const unknown = await runShard(page, 'gpu', { kernel: 'nope', params: {}, inputs: {} });
  expect(unknown).toMatchObject({
    ok: false,
    name: 'InvalidShardError',
    message: expect.stringContaining('unknown kernel'),
  });
  const badParams = await runShard(page, 'gpu', {
    kernel: 'matmul',
    params: { m: 2, n: 2, k: 2, row0: 1, rows: 2, col0: 0, cols: 2 },
    inputs: { a: new Array(16).fill(0), b: new Array(16).fill(0) },
  });
  expect(badParams).toMatchObject({
    ok: false,
    name: 'InvalidShardError',
    message: expect.stringContaining('rows'),
  });
  const shortInput = await runShard(page, 'gpu', {
    kernel: 'matmul',
    params: { m: 2, n: 2, k: 2, row0: 0, rows: 2, col0: 0, cols: 2 },
    inputs: { a: new Array(16).fill(0), b: new Array(12).fill(0) },
  });
  expect(shortInput).toMatchObject({ ok: false, name: 'InvalidShardError' });
});
