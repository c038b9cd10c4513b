import customWgslExample from '../../../shaders/custom-wgsl-example.wgsl';
import { type Kernel, KernelInputError, type ShardSpec } from '../kernel';
import { parseParams } from '../parse-params';
import { opsToWorkUnits } from '../work-units';
import { checkWgslAbi } from './custom-wgsl-abi';
import { wgslOutputsAgree } from './custom-wgsl-compare';
import { wgslDispatch } from './custom-wgsl-gpu';
import {
  WGSL_MAX_INPUT_BYTES,
  type WgslJobParams,
  type WgslShardParams,
  wgslJobParamsSchema,
  wgslShardParamsSchema,
} from './custom-wgsl-params';

/**
 * Operations credited per shader invocation. Arbitrary code cannot be measured, so every
 * invocation is paid as a modest 100 operations — about one Mandelbrot iteration's tenfold; a
 * submitter whose invocations loop far longer is still paid this much, never more.
 */
export const WGSL_OPS_PER_INVOCATION = 100;

/** Raised when something asks for a CPU run of a `wgsl` shard; the coordinator never should. */
export class NoCpuFallbackError extends Error {
  override readonly name = 'NoCpuFallbackError';
}

/**
 * The submitter's own compute shader over one input blob, run `shards` times with a fixed binding
 * ABI (see custom-wgsl-abi.ts). There is no CPU implementation of arbitrary WGSL, so only WebGPU
 * workers lease it, and results are verified by an exact or tolerance quorum, as the submitter chose.
 */
export const customWgsl: Kernel<WgslJobParams, WgslShardParams> = {
  name: 'wgsl',
  example: { params: { code: customWgslExample, workgroups: [1, 1, 1], outputBytes: 64, shards: 2 } },
  description:
    'Your own WGSL compute shader (fixed ABI: input, output, shard info; entry point main) run once per shard, outputs concatenated',
  paramsSchema: wgslJobParamsSchema,
  shardParamsSchema: wgslShardParamsSchema,
  inputNames: ['input'],
  shardInputNames: ['code', 'input'],
  optionalInputNames: ['input'],
  requiresWebGPU: true,

  split(job) {
    const params = parseParams(wgslJobParamsSchema, job.params);
    for (const name of Object.keys(job.inputs)) {
      if (name !== 'input') {
        throw new KernelInputError(
          `inputs.${name}`,
          `unexpected input ${name}: wgsl takes one optional file, input`,
        );
      }
    }
    const raw = job.inputs.input ?? new Uint8Array(0);
    if (raw.length > WGSL_MAX_INPUT_BYTES) {
      throw new KernelInputError(
        'inputs.input',
        `input is ${raw.length} bytes; at most ${WGSL_MAX_INPUT_BYTES} (64 MiB) are allowed`,
      );
    }
    const abi = checkWgslAbi(params.code);
    if ('error' in abi) throw new KernelInputError('params.code', abi.error);
    // Zero-padded to whole u32 words; every shard shares the same two blobs (stored once).
    const input = new Uint8Array(Math.ceil(raw.length / 4) * 4);
    input.set(raw);
    const code = new TextEncoder().encode(params.code);
    const shards: ShardSpec<WgslShardParams>[] = [];
    for (let shardIndex = 0; shardIndex < params.shards; shardIndex++) {
      shards.push({
        params: {
          shardIndex,
          shardCount: params.shards,
          workgroups: params.workgroups,
          workgroupSize: abi.workgroupSize,
          inputBytes: raw.length,
          outputBytes: params.outputBytes,
          comparison: params.comparison,
        },
        inputs: { code, input },
      });
    }
    return shards;
  },

  resultSize: (params) => ({ exact: params.outputBytes }),

  /** No CPU fallback: arbitrary WGSL has no CPU implementation, so only WebGPU workers get it. */
  reference() {
    throw new NoCpuFallbackError('the wgsl kernel has no CPU fallback: it runs only on WebGPU workers');
  },

  verify: {
    selfVerifying: false,
    // The output's meaning is the submitter's: its size (checked before this) is all we can judge.
    check: () => ({ status: 'plausible' }),
    compare: (shard, a, b) => wgslOutputsAgree(shard.params.comparison, a, b),
  },

  assemble(job, results) {
    const { shards, outputBytes } = job.params;
    if (results.length !== shards)
      throw new RangeError(`${results.length} shard results for ${shards} shards`);
    const bytes = new Uint8Array(shards * outputBytes);
    for (const [i, { params, result }] of results.entries()) {
      if (params.shardIndex !== i || result.length !== outputBytes) {
        throw new RangeError(`shard result ${i} is shard ${params.shardIndex} with ${result.length} bytes`);
      }
      bytes.set(result, i * outputBytes);
    }
    return { bytes, contentType: 'application/octet-stream', filename: 'output.bin' };
  },

  /** Invocations (workgroups × workgroup size) × `WGSL_OPS_PER_INVOCATION`, in 10⁶-operation units. */
  workUnits(params) {
    const [gx, gy, gz] = params.workgroups;
    const [sx, sy, sz] = params.workgroupSize;
    return opsToWorkUnits(gx * gy * gz * sx * sy * sz * WGSL_OPS_PER_INVOCATION);
  },

  /** Jobs bring their own code; this is the ABI's example (and a new job's default code). */
  /** Exact comparison of arbitrary (possibly float) output needs one class of GPU per shard. */
  homogeneous: (params) => params.comparison === 'exact',

  wgsl: customWgslExample,
  dispatch: (shard) => wgslDispatch(shard),
};
