import { describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from '../f32-le';
import type { ShardSpec } from '../kernel';
import { buildExampleModel, exampleInputNpy } from './example-model';
import { WASM_CHROMIUM_ROWS_163_300, WEBGPU_SWIFTSHADER_ROWS_163_300 } from './fixtures/chromium-rows';
import { onnx } from './onnx';
import { compareRow } from './onnx-compare';
import { runOnnxNode } from './onnx-node-runner';
import { ONNX_DEFAULT_RTOL, type OnnxShardParams } from './onnx-params';
import { missProbability, onnxSampleSize, sampleRows } from './onnx-sampling';

const model = buildExampleModel();

function shardOf(rows: number, rowsPerShard = rows): ShardSpec<OnnxShardParams> {
  return onnx.split({ params: { rowsPerShard }, inputs: { model, x: exampleInputNpy(rows) } })[0]!;
}

async function nodeRows(shard: ShardSpec<OnnxShardParams>): Promise<Float32Array> {
  return runOnnxNode(
    model,
    [{ name: 'x', dims: [64], data: f32FromLe(shard.inputs.x!) }],
    'probs',
    shard.params.rows,
  );
}

/** The WebAssembly path: onnxruntime-web itself (its Node build runs the same WebAssembly kernels). */
async function wasmRows(shard: ShardSpec<OnnxShardParams>): Promise<Float32Array> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const x = new ort.Tensor('float32', f32FromLe(shard.inputs.x!), [shard.params.rows, 64]);
  const out = await session.run({ x });
  const data = (out.probs!.data as Float32Array).slice();
  await session.release();
  return data;
}

function maxScaledError(a: Float32Array, b: Float32Array, rowLength: number): number {
  let worst = 0;
  for (let row = 0; row < a.length / rowLength; row++) {
    const { maxError, bound } = compareRow(a, row, b, row, rowLength, 1, 0);
    worst = Math.max(worst, maxError / bound);
  }
  return worst;
}

describe('onnx sampled verification', () => {
  it('samples enough rows to catch 5 % wrong rows with 99.9 %, within 10 % of a default shard', () => {
    for (const n of [1, 2, 20, 100, 135, 500, 1350, 2048, 65_536]) {
      const s = onnxSampleSize(n);
      const w = Math.max(1, Math.ceil(0.05 * n));
      expect(s).toBeLessThanOrEqual(n);
      expect(missProbability(n, w, s)).toBeLessThanOrEqual(0.001);
      if (s > 1 && s < n) expect(missProbability(n, w, s - 1)).toBeGreaterThan(0.001);
      expect(s).toBeLessThanOrEqual(135);
    }
    expect(onnxSampleSize(2048) / 2048).toBeLessThanOrEqual(0.1);
    expect(onnxSampleSize(1350) / 1350).toBeLessThanOrEqual(0.1);
    expect(onnxSampleSize(20)).toBe(20); // small shards are re-run in full
  });

  it('draws distinct rows in range', () => {
    let state = 1;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state;
    };
    const rows = sampleRows(2048, 131, random);
    expect(new Set(rows).size).toBe(131);
    expect(rows.every((r) => r >= 0 && r < 2048)).toBe(true);
    expect(sampleRows(5, 10, random)).toEqual([0, 1, 2, 3, 4]);
  });

  it('accepts honest rows from onnxruntime-node and from the WebAssembly path (onnxruntime-web)', async () => {
    const shard = shardOf(300);
    const node = await nodeRows(shard);
    const wasm = await wasmRows(shard);
    // Calibration: how far the two runtimes are apart, in units of the row's scale.
    const drift = maxScaledError(wasm, node, 10);
    expect(drift).toBeLessThan(ONNX_DEFAULT_RTOL / 100);
    expect(await onnx.verify.check(shard, f32ToLe(node))).toEqual({ status: 'valid' });
    expect(await onnx.verify.check(shard, f32ToLe(wasm))).toEqual({ status: 'valid' });
    expect(onnx.verify.compare(shard, f32ToLe(node), f32ToLe(wasm))).toBe(true);
  });

  it('accepts honest rows recorded from Chromium: WebGPU on SwiftShader and WebAssembly (e2e/gpu-onnx.spec.ts)', async () => {
    // The last shard of 300 example rows in shards of 163, as the e2e spec cuts it.
    const shard = onnx
      .split({ params: { rowsPerShard: 163 }, inputs: { model, x: exampleInputNpy(300) } })
      .at(-1)!;
    expect(shard.params).toMatchObject({ row0: 163, rows: 137 });
    const node = await nodeRows(shard);
    for (const [file, base64] of [
      ['WebGPU (SwiftShader)', WEBGPU_SWIFTSHADER_ROWS_163_300],
      ['WebAssembly', WASM_CHROMIUM_ROWS_163_300],
    ] as const) {
      const recorded = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      expect(recorded.length).toBe(137 * 10 * 4);
      expect(await onnx.verify.check(shard, recorded), file).toEqual({ status: 'valid' });
      expect(maxScaledError(f32FromLe(recorded), node, 10), file).toBeLessThan(ONNX_DEFAULT_RTOL / 100);
      // …and the same rows with 10 of 137 changed (7 %) are caught (miss probability < 0.1 %).
      const forged = f32FromLe(recorded);
      for (let row = 0; row < 137; row += 14) forged.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], row * 10);
      expect((await onnx.verify.check(shard, f32ToLe(forged))).status, file).toBe('invalid');
    }
  });

  it('rejects a result with one wrong row in the sample', async () => {
    // 20 rows: the sample is the whole shard, so the wrong row is always in it.
    const shard = shardOf(20);
    const rows = await nodeRows(shard);
    for (const [row, change] of [
      [7, (v: Float32Array) => v.set([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 70)], // a plausible-looking one-hot
      [
        0,
        (v: Float32Array) => {
          v[3] = v[3]! + 0.01;
        },
      ], // a small nudge, still 10× the tolerance
      [
        19,
        (v: Float32Array) => {
          v[195] = Number.NaN;
        },
      ],
    ] as const) {
      const forged = rows.slice();
      change(forged);
      const verdict = await onnx.verify.check(shard, f32ToLe(forged));
      expect(verdict.status).toBe('invalid');
      expect(verdict.status === 'invalid' && verdict.reason).toMatch(new RegExp(`^row ${row} differs`));
      expect(onnx.verify.compare(shard, f32ToLe(rows), f32ToLe(forged))).toBe(false);
    }
    expect((await onnx.verify.check(shard, new Uint8Array(12))).status).toBe('invalid');
  });

  it('catches a 2048-row result with 5 % wrong rows every time in 20 checks (miss ≤ 0.1 % each)', async () => {
    const shard = shardOf(2048);
    const rows = await nodeRows(shard);
    const forged = rows.slice();
    for (let row = 0; row < 2048; row += 20) forged.fill(0.1, row * 10, row * 10 + 10); // 103 rows = 5 %
    for (let i = 0; i < 20; i++)
      expect((await onnx.verify.check(shard, f32ToLe(forged))).status).toBe('invalid');
    expect(await onnx.verify.check(shard, f32ToLe(rows))).toEqual({ status: 'valid' });
  });
});
