import { describe, expect, it } from 'vitest';
import {
  f32Ulp,
  MANDELBROT_TILE_ITERATION_BUDGET,
  mandelbrotJobParamsSchema,
  mandelbrotShardParamsSchema,
  mandelbrotTileSize,
} from './mandelbrot-params';

const job = { width: 640, height: 480, centerX: -0.5, centerY: 0, scale: 3, maxIter: 1000 };

describe('mandelbrotJobParamsSchema', () => {
  it('accepts a plain view and parses its own output to the same value', () => {
    const parsed = mandelbrotJobParamsSchema.parse(job);
    expect(parsed).toEqual(job);
    expect(mandelbrotJobParamsSchema.parse(parsed)).toEqual(parsed);
  });

  it('accepts the largest image, 8192 × 2048 = 2^24 pixels, and refuses one pixel more', () => {
    expect(mandelbrotJobParamsSchema.safeParse({ ...job, width: 8192, height: 2048 }).success).toBe(true);
    const tooMany = mandelbrotJobParamsSchema.safeParse({ ...job, width: 8192, height: 2049 });
    expect(tooMany.error?.issues[0]?.message).toMatch(/at most 16777216/);
  });

  it('refuses a zoom float32 cannot resolve and says how deep it may go', () => {
    const deep = mandelbrotJobParamsSchema.safeParse({ ...job, centerX: -0.75, centerY: 0.1, scale: 1e-6 });
    expect(deep.error?.issues[0]?.path).toEqual(['scale']);
    expect(deep.error?.issues[0]?.message).toMatch(/deeper zoom than float32.*use scale ≥/);
    // The smallest scale it suggests is accepted.
    const smallest = Number(/scale ≥ ([\d.e+-]+)/.exec(deep.error!.issues[0]!.message)![1]);
    expect(
      mandelbrotJobParamsSchema.safeParse({ ...job, centerX: -0.75, centerY: 0.1, scale: smallest }).success,
    ).toBe(true);
  });
});

describe('f32Ulp', () => {
  it('is the spacing of float32 at a magnitude', () => {
    expect(f32Ulp(1)).toBe(2 ** -23);
    expect(f32Ulp(1.5)).toBe(2 ** -23);
    expect(f32Ulp(-3)).toBe(2 ** -22);
    expect(f32Ulp(0)).toBe(2 ** -149);
  });
});

describe('mandelbrotTileSize', () => {
  it('uses the requested tile edge', () => {
    expect(mandelbrotTileSize({ maxIter: 100_000, tileSize: 1024 })).toBe(1024);
  });

  it.each([
    [1, 256],
    [4096, 256],
    [4097, 128],
    [100_000, 32],
  ])(
    'defaults to the largest power-of-two edge within the iteration budget (maxIter %i → %i)',
    (maxIter, edge) => {
      expect(mandelbrotTileSize({ maxIter })).toBe(edge);
      expect(edge * edge * maxIter <= MANDELBROT_TILE_ITERATION_BUDGET || edge === 16).toBe(true);
    },
  );
});

describe('mandelbrotShardParamsSchema', () => {
  const shard = { ...job, x0: 512, y0: 448, w: 128, h: 32, estimatedIterations: 128 * 32 * 7 };

  it('accepts a tile inside the image', () => {
    expect(mandelbrotShardParamsSchema.parse(shard)).toEqual(shard);
  });

  it.each([
    [{ w: 129 }, 'w'],
    [{ h: 33 }, 'h'],
    [{ estimatedIterations: 128 * 32 - 1 }, 'estimatedIterations'],
    [{ estimatedIterations: 128 * 32 * 1000 + 1 }, 'estimatedIterations'],
  ])('refuses %j', (change, path) => {
    const parsed = mandelbrotShardParamsSchema.safeParse({ ...shard, ...change });
    expect(parsed.error?.issues[0]?.path).toEqual([path]);
  });
});
