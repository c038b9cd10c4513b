import { f32FromLe } from '../f32-le';
import { type CheckVerdict, type Kernel, KernelInputError, type ShardSpec } from '../kernel';
import { writeNpyArray } from '../npy';
import { opsToWorkUnits } from '../work-units';
import { type KernelExample, onnxExample } from './example-model';
import { allRowsAgree, compareRow } from './onnx-compare';
import { OnnxServerUnavailableError, runOnnxNode } from './onnx-node-runner';
import {
  ONNX_INPUT_FILES,
  type OnnxJobParams,
  type OnnxShardParams,
  onnxJobParamsSchema,
  onnxShardParamsSchema,
  rowElements,
} from './onnx-params';
import { cryptoRandom, onnxSampleSize, sampleRows } from './onnx-sampling';
import { planOnnxJob, splitOnnxJob } from './onnx-split';

/** Time budget for loading a submitted model and running its first row at submission. */
export const ONNX_VALIDATION_TIMEOUT_MS = 20_000;

/** Raised when something asks for a synchronous CPU run of an `onnx` shard: it runs in onnxruntime. */
export class OnnxNoReferenceError extends Error {
  override readonly name = 'OnnxNoReferenceError';
}

/** The rows `indices` of every feed of `shard`, gathered into one batch (only those rows are copied). */
function gatherFeeds(shard: ShardSpec<OnnxShardParams>, indices: readonly number[]) {
  return shard.params.feeds.map((feed) => {
    const per = rowElements(feed.dims);
    const bytes = shard.inputs[feed.file];
    if (!bytes || bytes.length !== shard.params.rows * per * 4) {
      throw new RangeError(
        `shard input ${feed.file} does not hold ${shard.params.rows} rows of [${feed.dims.join(', ')}]`,
      );
    }
    const data = new Float32Array(indices.length * per);
    for (const [i, row] of indices.entries()) {
      data.set(f32FromLe(bytes.subarray(row * per * 4, (row + 1) * per * 4)), i * per);
    }
    return { name: feed.name, dims: feed.dims, data };
  });
}

/**
 * Re-runs a random sample of the shard's rows with onnxruntime-node and compares each within
 * the shard's tolerance. The sample is drawn now from WebCrypto, so no volunteer can know which
 * rows will be checked; rows holding NaN or ±Infinity are always added to it. Where the server
 * cannot run the model the verdict is `plausible` (a quorum of replicas must decide).
 */
async function checkOnnxResult(shard: ShardSpec<OnnxShardParams>, result: Uint8Array): Promise<CheckVerdict> {
  const { rows, output, rtol, atol, row0 } = shard.params;
  const rowLength = rowElements(output.dims);
  if (result.length !== rows * rowLength * 4) {
    return {
      status: 'invalid',
      reason: `result is ${result.length} bytes; ${rows} rows of ${rowLength} f32 need ${rows * rowLength * 4}`,
    };
  }
  const values = f32FromLe(result);
  const picked = new Set(sampleRows(rows, onnxSampleSize(rows), cryptoRandom()));
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) picked.add(Math.floor(i / rowLength));
  }
  const sample = [...picked].sort((a, b) => a - b);
  let reference: Float32Array;
  try {
    reference = await runOnnxNode(
      shard.inputs.model!,
      gatherFeeds(shard, sample),
      output.name,
      sample.length,
      shard.params.modelSha256,
    );
  } catch (error) {
    if (error instanceof OnnxServerUnavailableError) return { status: 'plausible' };
    throw error;
  }
  if (reference.length !== sample.length * rowLength) {
    return { status: 'plausible' };
  }
  for (const [i, row] of sample.entries()) {
    const { maxError, bound } = compareRow(values, row, reference, i, rowLength, rtol, atol);
    if (!(maxError <= bound)) {
      return {
        status: 'invalid',
        reason: `row ${row0 + row} differs from onnxruntime-node by ${maxError.toPrecision(3)} (tolerance ${bound.toPrecision(3)}); ${sample.length} of ${rows} rows sampled`,
      };
    }
  }
  return { status: 'valid' };
}

/**
 * Batch inference of an ONNX model: job inputs `model` (.onnx) and `x` (.npy, the batch on the
 * first axis; `x2`…`x4` for a model's further inputs), shards of rows, results the model's output
 * rows as f32, job output `.npy`. Runs in onnxruntime-web (WebGPU, else WebAssembly) in the
 * volunteer's worker; verified by re-running a random sample of rows on the server.
 */
export const onnx: Kernel<OnnxJobParams, OnnxShardParams> & { exampleJob: KernelExample } = {
  name: 'onnx',
  description:
    'Batch inference of an ONNX model (onnxruntime-web, WebGPU or WebAssembly): model (.onnx) and x (.npy, batch first), output rows as .npy',
  runtime: 'onnx',
  paramsSchema: onnxJobParamsSchema,
  shardParamsSchema: onnxShardParamsSchema,
  inputNames: ['model', ...ONNX_INPUT_FILES],
  optionalInputNames: ONNX_INPUT_FILES.slice(1),
  shardInputNames: ['model', ...ONNX_INPUT_FILES],
  optionalShardInputNames: ONNX_INPUT_FILES.slice(1),
  persistentInputNames: ['model'],
  requiresWebGPU: false,
  // The form's example params (the example classifier itself comes from `exampleJob`).
  example: { params: { rowsPerShard: 256 } },
  exampleJob: onnxExample,
  // Loading the model in onnxruntime-node and running a row takes longer than reflecting a shader.
  validationBudgetMs: 20_000,

  split: (job) => splitOnnxJob(job),

  async validateJob(job) {
    const plan = planOnnxJob(job);
    // One row through onnxruntime-node: the model really loads, and its output rows have the
    // shape the graph declares. A server without the runtime skips this (verification then
    // falls back to a quorum).
    const first = plan.feeds.map((feed, i) => {
      const per = rowElements(feed.dims);
      return { name: feed.name, dims: feed.dims, data: plan.arrays[i]!.data.slice(0, per) };
    });
    let out: Float32Array;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KernelInputError(
              'inputs.model',
              `model took more than ${ONNX_VALIDATION_TIMEOUT_MS / 1000} s to load and run one row on the server; a model this slow cannot be verified: make it smaller`,
            ),
          ),
        ONNX_VALIDATION_TIMEOUT_MS,
      );
    });
    try {
      out = await Promise.race([runOnnxNode(job.inputs.model!, first, plan.output.name, 1), budget]);
    } catch (error) {
      if (error instanceof KernelInputError) throw error;
      if (error instanceof OnnxServerUnavailableError && /could not load/.test(error.message)) {
        throw new KernelInputError(
          'inputs.model',
          `model does not load in onnxruntime: ${error.message.replace(/^onnxruntime-node could not load the model: /, '')}`,
        );
      }
      if (error instanceof OnnxServerUnavailableError) return;
      throw new KernelInputError(
        'inputs.model',
        `model failed on the first row of x: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
    const expected = rowElements(plan.output.dims);
    if (out.length !== expected) {
      throw new KernelInputError(
        'inputs.model',
        `model output "${plan.output.name}" has ${out.length} elements per row when run, but its graph declares [batch, ${plan.output.dims.join(', ')}] (${expected}): fix the declared output shape`,
      );
    }
  },

  resultSize: (params) => ({ exact: params.rows * rowElements(params.output.dims) * 4 }),

  reference() {
    throw new OnnxNoReferenceError(
      'onnx shards run in onnxruntime (web or node), not in a synchronous CPU reference',
    );
  },

  verify: {
    selfVerifying: true,
    check: checkOnnxResult,
    compare(shard, a, b) {
      if (a.length !== b.length || a.length % 4 !== 0) return false;
      const { output, rtol, atol } = shard.params;
      return allRowsAgree(f32FromLe(a), f32FromLe(b), rowElements(output.dims), rtol, atol);
    },
  },

  assemble(_job, results) {
    const first = results[0];
    if (!first) throw new RangeError('an onnx job has at least one shard');
    const rowLength = rowElements(first.params.output.dims);
    const total = results.reduce((sum, { params }) => sum + params.rows, 0);
    const out = new Float32Array(total * rowLength);
    let expectedRow0 = 0;
    for (const { params, result } of results) {
      if (params.row0 !== expectedRow0)
        throw new RangeError(`shard results do not cover the rows in order at row ${expectedRow0}`);
      if (result.length !== params.rows * rowLength * 4)
        throw new RangeError(`shard at row ${params.row0} has a wrong-size result`);
      out.set(f32FromLe(result), params.row0 * rowLength);
      expectedRow0 += params.rows;
    }
    return {
      bytes: writeNpyArray([total, ...first.params.output.dims], out),
      contentType: 'application/octet-stream',
      filename: 'y.npy',
    };
  },

  /** Two operations per weight per row (a multiply-add), plus the row's inputs and outputs. */
  workUnits: (params) => opsToWorkUnits(params.rows * params.flopsPerRow),
};
