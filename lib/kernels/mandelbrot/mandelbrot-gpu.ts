import wgsl from '../../../shaders/mandelbrot.wgsl';
import type { GpuDispatch } from '../gpu';
import type { ShardSpec } from '../kernel';
import { mandelbrotView } from './mandelbrot-escape';
import type { MandelbrotShardParams } from './mandelbrot-params';

/** The escape-count shader (shaders/mandelbrot.wgsl). */
export const mandelbrotWgsl: string = wgsl;

/** The shader's `@workgroup_size(8, 8)`: 64 invocations, within every adapter's limits. */
export const MANDELBROT_WORKGROUP = [8, 8] as const;
/** Bytes of the `Tile` uniform: eight 4-byte fields. */
export const MANDELBROT_UNIFORM_BYTES = 32;

/**
 * Packs the `Tile` uniform (see shaders/mandelbrot.wgsl), little-endian: left, top, step (f32,
 * from `mandelbrotView`, the reference's own values), then maxIter, x0, y0, w, h (u32).
 */
export function mandelbrotUniform(params: MandelbrotShardParams): Uint8Array {
  const { left, top, step } = mandelbrotView(params);
  const bytes = new Uint8Array(MANDELBROT_UNIFORM_BYTES);
  const view = new DataView(bytes.buffer);
  view.setFloat32(0, left, true);
  view.setFloat32(4, top, true);
  view.setFloat32(8, step, true);
  view.setUint32(12, params.maxIter, true);
  view.setUint32(16, params.x0, true);
  view.setUint32(20, params.y0, true);
  view.setUint32(24, params.w, true);
  view.setUint32(28, params.h, true);
  return bytes;
}

/**
 * How a tile runs on the GPU: one invocation per pixel in 8 × 8 workgroups (a 1024-pixel edge
 * needs 128 per dimension, far below any adapter's limit). Bindings: 0 = the `Tile` uniform,
 * 1 = the w·h u32 counts, read back whole: they are the result as is.
 */
export function mandelbrotDispatch(shard: ShardSpec<MandelbrotShardParams>): GpuDispatch {
  const { w, h } = shard.params;
  const bytes = w * h * 4;
  return {
    shaderKey: 'mandelbrot/escape/8x8',
    code: mandelbrotWgsl,
    entryPoint: 'main',
    buffers: [
      { usage: 'uniform', data: mandelbrotUniform(shard.params) },
      { usage: 'readwrite', size: bytes },
    ],
    workgroups: [Math.ceil(w / MANDELBROT_WORKGROUP[0]), Math.ceil(h / MANDELBROT_WORKGROUP[1]), 1],
    readback: { buffer: 1, bytes },
    finish(readback) {
      if (readback.length !== bytes) {
        throw new RangeError(`read back ${readback.length} bytes; the ${w}×${h} tile has ${bytes}`);
      }
      return readback.slice();
    },
  };
}
