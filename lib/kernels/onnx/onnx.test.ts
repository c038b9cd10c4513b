import { describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from '../f32-le';
import { KernelInputError, type ShardSpec } from '../kernel';
import { parseNpyArray, writeNpyArray } from '../npy';
import { getKernel } from '../registry';
import { buildExampleModel, exampleInputNpy, exampleRows } from './example-model';
import { onnx } from './onnx';
import { buildOnnxModel } from './onnx-model-builder';
import { runOnnxNode } from './onnx-node-runner';
import { defaultOnnxRowsPerShard, type OnnxShardParams } from './onnx-params';
import { onnxSampleSize } from './onnx-sampling';
import { denseModel, denseModelSpec } from './onnx-test-models';

const model = buildExampleModel();
/** The model's SHA-256 from WebCrypto (an implementation independent of lib/kernels/sha256.ts). */
const modelSha = Array.from(
  new Uint8Array(await crypto.subtle.digest('SHA-256', model as Uint8Array<ArrayBuffer>)),
  (byte) => byte.toString(16).padStart(2, '0'),
).join('');

function rejection(run: () => unknown): KernelInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('expected a KernelInputError');
}

async function rejectionAsync(run: () => Promise<unknown>): Promise<KernelInputError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('expected a KernelInputError');
}

/** Runs a shard the honest way on the server runtime. */
async function honest(shard: ShardSpec<OnnxShardParams>): Promise<Uint8Array> {
  const feed = shard.params.feeds[0]!;
  const out = await runOnnxNode(
    shard.inputs.model!,
    [{ name: feed.name, dims: feed.dims, data: f32FromLe(shard.inputs[feed.file]!) }],
    shard.params.output.name,
    shard.params.rows,
  );
  return f32ToLe(out);
}

describe('onnx kernel', () => {
  it('is registered, runs in onnxruntime and needs no WebGPU', () => {
    expect(getKernel('onnx')).toBe(onnx);
    expect(onnx.runtime).toBe('onnx');
    expect(onnx.requiresWebGPU).toBe(false);
    expect(onnx.wgsl).toBeUndefined();
  });

  it('ships an example classifier that onnxruntime-node runs and that classifies its example rows', async () => {
    expect(model.length).toBeLessThan(1_000_000);
    expect(buildExampleModel()).toEqual(model); // deterministic
    const rows = 200;
    const probs = await runOnnxNode(
      model,
      [{ name: 'x', dims: [64], data: exampleRows(rows) }],
      'probs',
      rows,
    );
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      const row = probs.subarray(i * 10, i * 10 + 10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (row.indexOf(Math.max(...row)) === i % 10) correct++;
    }
    expect(correct / rows).toBeGreaterThan(0.95);
  });

  describe('sharding', () => {
    it('sizes default shards by compute per row so sampled verification stays within 10 %', () => {
      expect(defaultOnnxRowsPerShard(2 * 333_000)).toBe(4096);
      expect(defaultOnnxRowsPerShard(170_078)).toBe(16_384);
      expect(defaultOnnxRowsPerShard(50_000_000)).toBe(2048);
      expect(defaultOnnxRowsPerShard(10)).toBe(16_384);
      // Whatever the default, the ≤ 135 sampled rows are at most 6.6 % of a shard.
      for (const flops of [10, 170_078, 666_000, 50_000_000]) {
        expect(onnxSampleSize(defaultOnnxRowsPerShard(flops)) / defaultOnnxRowsPerShard(flops)).toBeLessThan(
          0.066,
        );
      }
    });

    it.each([
      [1, undefined, [1]],
      [7, 3, [3, 3, 1]],
      [10, 10, [10]],
      [16_385, undefined, [16_384, 1]],
      [4097, 2048, [2048, 2048, 1]],
      [13, 5, [5, 5, 3]],
    ])(
      '%i rows with rowsPerShard %s make shards of %j rows and reassemble in order',
      async (rows, rowsPerShard, sizes) => {
        const x = exampleInputNpy(rows);
        const shards = onnx.split({ params: rowsPerShard ? { rowsPerShard } : {}, inputs: { model, x } });
        expect(shards.map((s) => s.params.rows)).toEqual(sizes);
        expect(shards.map((s) => s.params.row0)).toEqual(
          sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0)),
        );
        for (const shard of shards) {
          expect(shard.inputs.model).toBe(model); // one blob for every shard
          expect(shard.params.modelSha256).toBe(modelSha);
          expect(shard.inputs.x!.length).toBe(shard.params.rows * 64 * 4);
          expect(onnx.resultSize(shard.params)).toEqual({ exact: shard.params.rows * 10 * 4 });
          expect(onnx.workUnits(shard.params)).toBeGreaterThan(0);
          expect(onnx.shardParamsSchema.safeParse(shard.params).success).toBe(true);
        }
        if (rows <= 100) {
          const results = await Promise.all(
            shards.map(async (shard) => ({ params: shard.params, result: await honest(shard) })),
          );
          const output = onnx.assemble({ params: {} }, results);
          const y = parseNpyArray(output.bytes, 'y');
          expect(y.shape).toEqual([rows, 10]);
          const whole = await runOnnxNode(
            model,
            [{ name: 'x', dims: [64], data: exampleRows(rows) }],
            'probs',
            rows,
          );
          for (let i = 0; i < whole.length; i++) expect(y.data[i]).toBeCloseTo(whole[i]!, 5);
        }
      },
    );

    it('refuses shards whose results would not fit, and a job that would have too many shards', () => {
      const x = exampleInputNpy(20_001);
      expect(rejection(() => onnx.split({ params: { rowsPerShard: 1 }, inputs: { model, x } })).field).toBe(
        'params.rowsPerShard',
      );
    });
  });

  describe('validation at submission (400s that say what to fix)', () => {
    const x = exampleInputNpy(4);

    it('refuses bytes that are not an ONNX model', async () => {
      const garbage = new TextEncoder().encode('this is not a model at all, just some text bytes');
      const error = rejection(() => onnx.split({ params: {}, inputs: { model: garbage, x } }));
      expect(error.field).toBe('inputs.model');
      expect(error.message).toMatch(/not a valid ONNX file|not an ONNX ModelProto/);
      const truncated = model.subarray(0, 1000);
      expect(rejection(() => onnx.split({ params: {}, inputs: { model: truncated, x } })).field).toBe(
        'inputs.model',
      );
      expect(
        rejection(() => onnx.split({ params: {}, inputs: { model: new Uint8Array(0), x } })).message,
      ).toMatch(/empty/);
    });

    it('refuses a shape mismatch, naming the axis and the expected size', () => {
      const wrong = writeNpyArray([4, 63], new Float32Array(4 * 63));
      const error = rejection(() => onnx.split({ params: {}, inputs: { model, x: wrong } }));
      expect(error.field).toBe('inputs.x');
      expect(error.message).toMatch(
        /x has shape \(4, 63\) but the model's input "x" is \[batch, 64\]: axis 1 must be 64, not 63/,
      );
      const rank = writeNpyArray([4, 8, 8], new Float32Array(256));
      expect(rejection(() => onnx.split({ params: {}, inputs: { model, x: rank } })).message).toMatch(
        /is 2-D \[batch, 64\]: reshape/,
      );
    });

    it('refuses an operator the browser runtime does not run, naming it and its node', () => {
      const custom = denseModel({
        nodes: [
          { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
          { opType: 'FancyActivation', domain: 'com.example', inputs: ['h'], outputs: ['y'], name: 'act' },
        ],
      });
      const error = rejection(() =>
        onnx.split({ params: {}, inputs: { model: custom, x: writeNpyArray([2, 4], new Float32Array(8)) } }),
      );
      expect(error.field).toBe('inputs.model');
      expect(error.message).toMatch(/cannot run: com\.example::FancyActivation \(node act\)/);
      const random = denseModel({
        nodes: [
          { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
          { opType: 'RandomNormalLike', inputs: ['h'], outputs: ['y'], name: 'noise' },
        ],
      });
      expect(
        rejection(() =>
          onnx.split({
            params: {},
            inputs: { model: random, x: writeNpyArray([2, 4], new Float32Array(8)) },
          }),
        ).message,
      ).toMatch(/RandomNormalLike \(node noise\)/);
    });

    it('refuses a fixed batch size, other dtypes, a missing or extra array, an unknown output', () => {
      const x4 = writeNpyArray([2, 4], new Float32Array(8));
      const fixed = denseModel({ inputs: [{ name: 'x', dims: [1, 4] }] });
      expect(rejection(() => onnx.split({ params: {}, inputs: { model: fixed, x: x4 } })).message).toMatch(
        /fixed batch size 1; export it with a dynamic batch axis/,
      );
      const ints = denseModel({ inputs: [{ name: 'x', dims: ['batch', 4], elemType: 7 }] });
      expect(rejection(() => onnx.split({ params: {}, inputs: { model: ints, x: x4 } })).message).toMatch(
        /input "x" is int64; .*float32/,
      );
      expect(rejection(() => onnx.split({ params: {}, inputs: { model: denseModel() } })).field).toBe(
        'inputs.x',
      );
      expect(
        rejection(() => onnx.split({ params: {}, inputs: { model: denseModel(), x: x4, x2: x4 } })).field,
      ).toBe('inputs.x2');
      const noOutput = rejection(() =>
        onnx.split({ params: { output: 'nope' }, inputs: { model: denseModel(), x: x4 } }),
      );
      expect(noOutput.field).toBe('params.output');
      expect(noOutput.message).toMatch(/outputs are y/);
      const opset = buildOnnxModelWithOpset(30);
      expect(rejection(() => onnx.split({ params: {}, inputs: { model: opset, x: x4 } })).message).toMatch(
        /opset 30/,
      );
    });

    it('loads the model in onnxruntime-node before accepting it (validateJob)', async () => {
      await expect(onnx.validateJob!({ params: {}, inputs: { model, x } })).resolves.toBeUndefined();
      // Valid protobuf, valid operators, but Gemm's weights do not fit: only a runtime notices.
      const broken = denseModel({ initializers: [{ name: 'w', dims: [5, 3], data: new Float32Array(15) }] });
      const error = await rejectionAsync(() =>
        onnx.validateJob!({
          params: {},
          inputs: { model: broken, x: writeNpyArray([2, 4], new Float32Array(8)) },
        }),
      );
      expect(error.field).toBe('inputs.model');
      expect(error.message).toMatch(/model (does not load|failed)/);
      // A declared output shape that the model does not produce.
      const lying = denseModel({ outputs: [{ name: 'y', dims: ['batch', 5] }] });
      const lie = await rejectionAsync(() =>
        onnx.validateJob!({
          params: {},
          inputs: { model: lying, x: writeNpyArray([2, 4], new Float32Array(8)) },
        }),
      );
      expect(lie.message).toMatch(/3 elements per row when run, but its graph declares \[batch, 5\]/);
    });
  });
});

function buildOnnxModelWithOpset(opset: number): Uint8Array {
  return buildOnnxModel({ ...denseModelSpec(), opset });
}
