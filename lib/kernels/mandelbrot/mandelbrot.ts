import { type Kernel, KernelInputError, type ShardSpec } from '../kernel';
import { parseParams } from '../parse-params';
import { opsToWorkUnits } from '../work-units';
import { checkMandelbrotTile, mandelbrotTilesAgree } from './mandelbrot-check';
import { mandelbrotEscapeF32, mandelbrotPoint, mandelbrotView } from './mandelbrot-escape';
import { estimateTileIterations, mandelbrotPreview } from './mandelbrot-estimate';
import { mandelbrotDispatch, mandelbrotWgsl } from './mandelbrot-gpu';
import {
  type MandelbrotJobParams,
  type MandelbrotShardParams,
  mandelbrotJobParamsSchema,
  mandelbrotShardParamsSchema,
  mandelbrotTileSize,
} from './mandelbrot-params';
import { mandelbrotPng } from './mandelbrot-png';

/**
 * Floating-point operations per iteration of the shader's loop: x², y², their sum and the escape
 * compare, x·y, doubling it, adding cy, x² − y², adding cx, and the counter — 10.
 */
export const MANDELBROT_OPS_PER_ITERATION = 10;

/**
 * Mandelbrot set render: escape counts per pixel in float32, tile by tile, assembled into a PNG.
 * GPUs may round the chaotic boundary differently, so a result is verified by a tolerance quorum
 * (≥ 99.9 % identical pixels) after the server recomputed a random sample of its pixels.
 */
export const mandelbrot: Kernel<MandelbrotJobParams, MandelbrotShardParams> = {
  name: 'mandelbrot',
  example: {
    params: { width: 128, height: 96, centerX: -0.5, centerY: 0, scale: 3, maxIter: 128, tileSize: 64 },
  },
  description:
    'Mandelbrot set render: float32 escape counts per pixel over a view (centre, width, size, maxIter), returned as a PNG',
  paramsSchema: mandelbrotJobParamsSchema,
  shardParamsSchema: mandelbrotShardParamsSchema,
  inputNames: [],
  shardInputNames: [],
  requiresWebGPU: false,

  split(job) {
    const params = parseParams(mandelbrotJobParamsSchema, job.params);
    const extra = Object.keys(job.inputs)[0];
    if (extra !== undefined) {
      throw new KernelInputError(`inputs.${extra}`, 'mandelbrot takes no input files: remove them');
    }
    const { width, height, centerX, centerY, scale, maxIter } = params;
    const edge = mandelbrotTileSize(params);
    const preview = mandelbrotPreview(params);
    const shards: ShardSpec<MandelbrotShardParams>[] = [];
    for (let y0 = 0; y0 < height; y0 += edge) {
      const h = Math.min(edge, height - y0);
      for (let x0 = 0; x0 < width; x0 += edge) {
        const w = Math.min(edge, width - x0);
        const estimatedIterations = estimateTileIterations(preview, params, { x0, y0, w, h });
        shards.push({
          params: { width, height, centerX, centerY, scale, maxIter, x0, y0, w, h, estimatedIterations },
          inputs: {},
        });
      }
    }
    return shards;
  },

  resultSize: (params) => ({ exact: params.w * params.h * 4 }),

  reference(shard) {
    const { x0, y0, w, h, maxIter } = shard.params;
    const view = mandelbrotView(shard.params);
    const out = new Uint8Array(w * h * 4);
    const bytes = new DataView(out.buffer);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [cx, cy] = mandelbrotPoint(view, x0 + x, y0 + y);
        bytes.setUint32(4 * (y * w + x), mandelbrotEscapeF32(cx, cy, maxIter), true);
      }
    }
    return out;
  },

  verify: {
    selfVerifying: false,
    check: (shard, result) => checkMandelbrotTile(shard.params, result),
    compare: (_shard, a, b) => mandelbrotTilesAgree(a, b),
  },

  assemble(job, results) {
    const { width, height, maxIter } = job.params;
    const counts = new Uint32Array(width * height);
    const covered = new Uint8Array(width * height);
    for (const { params, result } of results) {
      const { x0, y0, w, h } = params;
      if (result.length !== w * h * 4) throw new RangeError(`tile at (${x0}, ${y0}) has a wrong-size result`);
      const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
      for (let y = 0; y < h; y++) {
        const row = (y0 + y) * width + x0;
        for (let x = 0; x < w; x++) {
          counts[row + x] = view.getUint32(4 * (y * w + x), true);
          covered[row + x] = covered[row + x]! + 1;
        }
      }
    }
    const gap = covered.findIndex((count) => count !== 1);
    if (gap !== -1) {
      throw new RangeError(
        `tiles do not cover the image exactly once: pixel (${gap % width}, ${Math.floor(gap / width)})`,
      );
    }
    return {
      bytes: mandelbrotPng(counts, width, height, maxIter),
      contentType: 'image/png',
      filename: 'mandelbrot.png',
    };
  },

  /**
   * Credit from the server's own estimate of the tile's iterations (a preview computed at
   * submission, in the shard params), never from the counts a worker returns: a worker could
   * inflate those, and a plain w·h·maxIter would pay views outside the set a thousandfold.
   */
  workUnits: (params) => opsToWorkUnits(params.estimatedIterations * MANDELBROT_OPS_PER_ITERATION),

  wgsl: mandelbrotWgsl,
  dispatch: (shard) => mandelbrotDispatch(shard),
};
