import { expect, test } from '@playwright/test';
import type { ShardSpec } from '../lib/kernels/kernel';
import { mandelbrot } from '../lib/kernels/mandelbrot/mandelbrot';
import { montecarlo } from '../lib/kernels/montecarlo/montecarlo';
import { customWgsl } from '../lib/kernels/wgsl/custom-wgsl';
import { initWorker, openLab } from './gpu-lab-fixtures';
import { runOnGpu, u32Words, wireShard } from './gpu2-fixtures';

// mandelbrot, montecarlo and wgsl run by the compute worker on Chromium's WebGPU (SwiftShader
// here), on shards cut by each kernel's own `split` at awkward sizes, checked in this Node process
// against the kernel's CPU reference (or, for wgsl, the example shader's documented output).

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await openLab(page);
  const adapter = await initWorker(page, 'gpu');
  expect(adapter.mode, adapter.description).toBe('webgpu');
});

test('mandelbrot: 17×9 and 33×31 edge tiles across the set boundary match the reference in ≥ 99.9 % of pixels', async ({
  page,
}) => {
  for (const [width, height, tileSize] of [
    [49, 41, 32],
    [97, 95, 64],
  ] as const) {
    const params = { width, height, centerX: -0.8, centerY: 0.3, scale: 0.3, maxIter: 300, tileSize };
    // The last tile is the bottom-right remainder: 17×9 and 33×31, widths not multiples of 8 or 16.
    const shard = mandelbrot.split({ params, inputs: {} }).at(-1)!;
    const { w, h, maxIter } = shard.params;
    const label = `${w}×${h} tile of ${width}×${height}`;
    const out = await runOnGpu(page, 'gpu', wireShard('mandelbrot', shard));
    if (!out.ok) throw new Error(`${label}: ${out.name}: ${out.message}`);
    const gpu = Uint8Array.from(out.result);
    const reference = mandelbrot.reference(shard);
    expect(gpu.length, label).toBe(w * h * 4);
    const got = u32Words(gpu);
    const expected = u32Words(reference);
    // The tile must straddle the boundary to test anything: some pixels in the set, some escaping.
    expect(expected.filter((c) => c === maxIter).length, `${label} has pixels in the set`).toBeGreaterThan(0);
    expect(expected.filter((c) => c < maxIter).length, `${label} has escaping pixels`).toBeGreaterThan(0);
    const mismatches = got.filter((count, i) => count !== expected[i]).length;
    // The kernel's documented tolerance (mandelbrotTilesAgree): ≤ 0.1 % of pixels, and at least one.
    const allowed = Math.max(1, Math.floor((w * h) / 1000));
    expect(
      mismatches,
      `${label}: ${mismatches} of ${w * h} pixels differ from the reference`,
    ).toBeLessThanOrEqual(allowed);
    expect(
      mandelbrot.verify.compare(shard, gpu, reference),
      `${label}: compare accepts (${mismatches} differ)`,
    ).toBe(true);
    expect((await mandelbrot.verify.check(shard, gpu)).status, `${label}: check`).toBe('plausible');
  }
});

test('montecarlo: a 1000-path shard at path 1024 agrees with the reference within the kernel tolerance', async ({
  page,
}) => {
  const params = {
    spot: 100,
    strike: 105,
    rate: 0.03,
    volatility: 0.25,
    maturity: 1.5,
    optionType: 'call' as const,
    paths: 2024,
    seed: '12345678901234567',
    pathsPerShard: 1024,
  };
  const shards = montecarlo.split({ params, inputs: {} });
  // The second shard: 1000 paths (3 full chunks of 256 and a partial one), offset 1024.
  const shard = shards[1]!;
  expect(shard.params).toMatchObject({ pathOffset: 1024, pathCount: 1000 });
  const out = await runOnGpu(page, 'gpu', wireShard('montecarlo', shard));
  if (!out.ok) throw new Error(`${out.name}: ${out.message}`);
  const gpu = Uint8Array.from(out.result);
  const reference = montecarlo.reference(shard);
  expect(gpu.length).toBe(4 * 8);
  const sums = new Float32Array(gpu.buffer);
  const referenceSums = new Float32Array(reference.buffer, reference.byteOffset, reference.length / 4);
  const described = `GPU ${Array.from(sums).join(', ')} vs reference ${Array.from(referenceSums).join(', ')}`;
  // Nonzero sums: the call is near the money, so every chunk has paths that pay.
  expect(
    Array.from(sums).every((s) => s > 0),
    described,
  ).toBe(true);
  expect(montecarlo.verify.compare(shard, gpu, reference), described).toBe(true);
  const verdict = await montecarlo.verify.check(shard, gpu);
  expect(verdict.status, JSON.stringify(verdict)).not.toBe('invalid');
});

test('wgsl: the example shader over a 5-word input and 32-byte outputs, 2 shards, gives the exact words', async ({
  page,
}) => {
  const words = [1, 7, 0x7fffffff, 0x80000001, 0xfffffffe];
  const input = new Uint8Array(new Uint32Array(words).buffer);
  const shards = customWgsl.split({
    params: {
      code: customWgsl.wgsl!,
      workgroups: [1, 1, 1],
      outputBytes: 32,
      shards: 2,
      comparison: 'exact',
    },
    inputs: { input },
  }) as ShardSpec<{ shardIndex: number }>[];
  expect(shards).toHaveLength(2);
  for (const shard of shards) {
    const s = shard.params.shardIndex;
    const out = await runOnGpu(page, 'gpu', wireShard('wgsl', shard));
    if (!out.ok) throw new Error(`shard ${s}: ${out.name}: ${out.message}`);
    // Output word i = 2 × input word i + shardIndex (mod 2^32); words past the input read as 0.
    const expected = Array.from({ length: 8 }, (_, i) => (2 * (words[i] ?? 0) + s) >>> 0);
    expect(u32Words(out.result), `shard ${s}`).toEqual(expected);
    expect(out.shaderKey).toMatch(/^wgsl\/[0-9a-f]{64}$/);
  }
});
