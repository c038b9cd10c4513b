import montecarloSource from '../../../shaders/montecarlo.wgsl';
import philoxSource from '../../../shaders/philox.wgsl';
import type { GpuDispatch } from '../gpu';
import type { ShardSpec } from '../kernel';
import { MONTECARLO_CHUNK_PATHS, type MontecarloShardParams, montecarloChunks } from './montecarlo-params';
import { montecarloModel } from './montecarlo-simulate';

/** The path shader with the Philox functions it calls prepended (WGSL has no includes). */
export const montecarloWgsl: string = `${philoxSource}\n${montecarloSource}`;

/** Bytes of the `Pricing` uniform buffer: nine 4-byte fields (36 bytes) padded to a multiple of 16. */
export const MONTECARLO_UNIFORM_BYTES = 48;

/**
 * Packs the `Pricing` uniform (see shaders/montecarlo.wgsl), little-endian: spot, strike, drift,
 * volSqrtT (f32, from `montecarloModel`, the reference's own values), then isCall, pathOffset,
 * pathCount, keyLo, keyHi (u32), then 12 bytes of padding.
 */
export function montecarloUniform(params: MontecarloShardParams): Uint8Array {
  const model = montecarloModel(params);
  const bytes = new Uint8Array(MONTECARLO_UNIFORM_BYTES);
  const view = new DataView(bytes.buffer);
  view.setFloat32(0, model.spot, true);
  view.setFloat32(4, model.strike, true);
  view.setFloat32(8, model.drift, true);
  view.setFloat32(12, model.volSqrtT, true);
  view.setUint32(16, model.isCall ? 1 : 0, true);
  view.setUint32(20, params.pathOffset, true);
  view.setUint32(24, params.pathCount, true);
  view.setUint32(28, model.key[0], true);
  view.setUint32(32, model.key[1], true);
  return bytes;
}

/**
 * How a shard runs on the GPU: one workgroup of 256 invocations per chunk of 256 paths (a shard
 * has at most 16,384 chunks, within the 65,535 workgroups per dimension every adapter allows),
 * 2 KiB of workgroup memory for the reduction. Bindings: 0 = the `Pricing` uniform, 1 = the chunk
 * sums, read back whole: they are the result as is.
 */
export function montecarloDispatch(shard: ShardSpec<MontecarloShardParams>): GpuDispatch {
  const chunks = montecarloChunks(shard.params.pathCount);
  const bytes = chunks * 8;
  return {
    shaderKey: `montecarlo/gbm/${MONTECARLO_CHUNK_PATHS}`,
    code: montecarloWgsl,
    entryPoint: 'main',
    buffers: [
      { usage: 'uniform', data: montecarloUniform(shard.params) },
      { usage: 'readwrite', size: bytes },
    ],
    workgroups: [chunks, 1, 1],
    readback: { buffer: 1, bytes },
    finish(readback) {
      if (readback.length !== bytes) {
        throw new RangeError(`read back ${readback.length} bytes; ${chunks} chunks need ${bytes}`);
      }
      return readback.slice();
    },
  };
}
