import { z } from 'zod';
import { boundedInteger } from '../bounded-integer';

/** Image edge, in pixels. */
export const MANDELBROT_MAX_EDGE = 8192;
/** Pixels per image: 2^24 (64 MiB of u32 counts, the most one result set may hold). */
export const MANDELBROT_MAX_PIXELS = 2 ** 24;
export const MANDELBROT_MAX_ITER = 100_000;
/** The view must stay where the set is (|c| ≤ 2) with room around it. */
export const MANDELBROT_MAX_CENTER = 4;
export const MANDELBROT_MAX_SCALE = 64;
/** Tile edges a submitter may ask for; 16 keeps the largest image at 65,536 shards. */
export const MANDELBROT_MIN_TILE = 16;
export const MANDELBROT_MAX_TILE = 1024;
/**
 * The default tile is the largest power-of-two edge (16..256) whose worst case, every pixel
 * running all maxIter iterations, stays within 2^28 iterations: about a second on a laptop GPU
 * and well inside a lease on the CPU fallback even for views full of the set.
 */
export const MANDELBROT_TILE_ITERATION_BUDGET = 2 ** 28;
const DEFAULT_TILE_MIN = 16;
const DEFAULT_TILE_MAX = 256;

/** Units in the last place of a float32 at magnitude x (normal range). */
export function f32Ulp(x: number): number {
  const magnitude = Math.max(Math.abs(x), 2 ** -126);
  return 2 ** (Math.floor(Math.log2(magnitude)) - 23);
}

function real(name: string, min: number, max: number, what: string) {
  return z
    .number({
      error: (issue) =>
        issue.input === undefined ? `${name} is required` : `${name} must be a finite number (${what})`,
    })
    .min(min, `${name} must be at least ${min} (${what})`)
    .max(max, `${name} must be at most ${max} (${what})`);
}

const view = {
  width: boundedInteger('width', 1, MANDELBROT_MAX_EDGE),
  height: boundedInteger('height', 1, MANDELBROT_MAX_EDGE),
  centerX: real('centerX', -MANDELBROT_MAX_CENTER, MANDELBROT_MAX_CENTER, 'real part of the image centre'),
  centerY: real(
    'centerY',
    -MANDELBROT_MAX_CENTER,
    MANDELBROT_MAX_CENTER,
    'imaginary part of the image centre',
  ),
  scale: z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'scale is required'
          : 'scale must be a finite number (width of the view in complex units)',
    })
    .gt(0, 'scale must be greater than 0 (width of the view in complex units)')
    .max(
      MANDELBROT_MAX_SCALE,
      `scale must be at most ${MANDELBROT_MAX_SCALE} (width of the view in complex units)`,
    ),
  maxIter: boundedInteger('maxIter', 1, MANDELBROT_MAX_ITER),
};

type View = { [K in keyof typeof view]: number };

/**
 * Whole-image checks: the pixel budget, and a zoom float32 can still resolve. Pixels closer than
 * two f32 ulps of the coordinates they sit at would collapse onto each other on every GPU.
 */
function checkView(params: View, ctx: z.RefinementCtx): void {
  const pixels = params.width * params.height;
  if (pixels > MANDELBROT_MAX_PIXELS) {
    ctx.addIssue({
      code: 'custom',
      path: ['height'],
      message: `width × height = ${pixels} pixels; at most ${MANDELBROT_MAX_PIXELS} (2^24) are allowed`,
    });
    return;
  }
  const step = params.scale / params.width;
  const reach = Math.max(
    Math.abs(params.centerX) + params.scale / 2,
    Math.abs(params.centerY) + (params.height * step) / 2,
  );
  const smallest = 2 * f32Ulp(reach) * params.width;
  if (step < 2 * f32Ulp(reach)) {
    ctx.addIssue({
      code: 'custom',
      path: ['scale'],
      message: `scale ${params.scale} is a deeper zoom than float32 GPU arithmetic resolves at this centre (pixels would be under 2 f32 ulps apart): use scale ≥ ${smallest.toPrecision(3)}`,
    });
  }
}

/** Job params: the view (centre, width in complex units), image size, iteration cap, tile edge. */
export const mandelbrotJobParamsSchema = z
  .strictObject(
    { ...view, tileSize: boundedInteger('tileSize', MANDELBROT_MIN_TILE, MANDELBROT_MAX_TILE).optional() },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: mandelbrot takes width, height, centerX, centerY, scale, maxIter, tileSize`
          : 'params must be an object {width, height, centerX, centerY, scale, maxIter, tileSize?}',
    },
  )
  .superRefine(checkView);

export type MandelbrotJobParams = z.infer<typeof mandelbrotJobParamsSchema>;

/** The tile edge `split` uses: the requested one, else the largest within the iteration budget. */
export function mandelbrotTileSize(params: Pick<MandelbrotJobParams, 'maxIter' | 'tileSize'>): number {
  if (params.tileSize !== undefined) return params.tileSize;
  let edge = DEFAULT_TILE_MAX;
  while (edge > DEFAULT_TILE_MIN && edge * edge * params.maxIter > MANDELBROT_TILE_ITERATION_BUDGET)
    edge /= 2;
  return edge;
}

/**
 * Shard params: the whole view plus the tile [x0, x0+w) × [y0, y0+h) in pixels (row 0 at the top),
 * and `estimatedIterations`, the server's estimate of the iterations the tile takes, made at
 * submission from a coarse preview: credit is computed from it, never from a worker's counts.
 */
export const mandelbrotShardParamsSchema = z
  .strictObject({
    ...view,
    x0: boundedInteger('x0', 0, MANDELBROT_MAX_EDGE - 1),
    y0: boundedInteger('y0', 0, MANDELBROT_MAX_EDGE - 1),
    w: boundedInteger('w', 1, MANDELBROT_MAX_TILE),
    h: boundedInteger('h', 1, MANDELBROT_MAX_TILE),
    estimatedIterations: boundedInteger(
      'estimatedIterations',
      1,
      MANDELBROT_MAX_TILE ** 2 * MANDELBROT_MAX_ITER,
    ),
  })
  .superRefine((params, ctx) => {
    checkView(params, ctx);
    if (params.x0 + params.w > params.width) {
      ctx.addIssue({ code: 'custom', path: ['w'], message: 'x0 + w must not exceed width' });
    }
    if (params.y0 + params.h > params.height) {
      ctx.addIssue({ code: 'custom', path: ['h'], message: 'y0 + h must not exceed height' });
    }
    const pixels = params.w * params.h;
    if (params.estimatedIterations < pixels || params.estimatedIterations > pixels * params.maxIter) {
      ctx.addIssue({
        code: 'custom',
        path: ['estimatedIterations'],
        message: 'estimatedIterations must lie between w·h and w·h·maxIter',
      });
    }
  });

export type MandelbrotShardParams = z.infer<typeof mandelbrotShardParamsSchema>;
