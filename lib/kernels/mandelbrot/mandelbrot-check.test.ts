import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import { mandelbrot } from './mandelbrot';
import {
  checkMandelbrotTile,
  MANDELBROT_CHECK_MAX_OFF,
  MANDELBROT_CHECK_SAMPLES,
  MANDELBROT_CHECK_WEIGHTED_SAMPLES,
  mandelbrotTilesAgree,
} from './mandelbrot-check';
import {
  mandelbrotHonestCounts,
  mandelbrotPixelIsFragile,
  mandelbrotPoint,
  mandelbrotView,
} from './mandelbrot-escape';
import type { MandelbrotShardParams } from './mandelbrot-params';

const view = { width: 96, height: 64, centerX: -0.6, centerY: 0.1, scale: 2.8, maxIter: 300 };

function tile(x0: number, y0: number, w: number, h: number): MandelbrotShardParams {
  return { ...view, x0, y0, w, h, estimatedIterations: w * h };
}

const words = (bytes: Uint8Array) => new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
const honest = (params: MandelbrotShardParams) => mandelbrot.reference({ params, inputs: {} });
const seed = [1, 2, 3, 4];

/** Pixel indexes of the tile that no honest evaluation disputes, so changing them is a real error. */
function robustPixels(params: MandelbrotShardParams, counts: Uint32Array): number[] {
  const v = mandelbrotView(params);
  return [...counts.keys()].filter((i) => {
    const [cx, cy] = mandelbrotPoint(v, params.x0 + (i % params.w), params.y0 + Math.floor(i / params.w));
    return !mandelbrotPixelIsFragile(cx, cy, params.maxIter, counts[i]!);
  });
}

describe('checkMandelbrotTile', () => {
  it('finds an honest tile plausible (whatever the sample)', () => {
    const params = tile(16, 8, 48, 40);
    const result = honest(params);
    for (let s = 0; s < 5; s++)
      expect(checkMandelbrotTile(params, result, createPrng([s, 1, 2, 3]))).toEqual({ status: 'plausible' });
  });

  it('refuses garbage, zeros and counts above maxIter', () => {
    const params = tile(0, 0, 32, 32);
    const next = createPrng([9, 9, 9, 9]);
    const garbage = new Uint32Array(32 * 32).map(() => next() % 301);
    expect(checkMandelbrotTile(params, new Uint8Array(garbage.buffer), createPrng(seed)).status).toBe(
      'invalid',
    );
    expect(checkMandelbrotTile(params, new Uint8Array(32 * 32 * 4), createPrng(seed)).status).toBe('invalid');
    const above = honest(params);
    words(above)[77] = 301;
    const verdict = checkMandelbrotTile(params, above, createPrng(seed));
    expect(verdict).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/301 iterations, above maxIter 300/),
    });
  });

  it('refuses a wrong-size result', () => {
    expect(checkMandelbrotTile(tile(0, 0, 4, 4), new Uint8Array(60), createPrng(seed)).status).toBe(
      'invalid',
    );
  });

  it(`tolerates ${MANDELBROT_CHECK_MAX_OFF} wrong pixels among those sampled, not one more`, () => {
    // 8 × 8 = 64 pixels: every pixel is checked.
    const params = tile(40, 20, 8, 8);
    const result = honest(params);
    const robust = robustPixels(params, words(result));
    expect(robust.length).toBeGreaterThan(MANDELBROT_CHECK_MAX_OFF);
    for (const i of robust.slice(0, MANDELBROT_CHECK_MAX_OFF))
      words(result)[i] = (words(result)[i]! + 1) % 300;
    expect(checkMandelbrotTile(params, result, createPrng(seed)).status).toBe('plausible');
    const i = robust[MANDELBROT_CHECK_MAX_OFF]!;
    words(result)[i] = (words(result)[i]! + 1) % 300;
    expect(checkMandelbrotTile(params, result, createPrng(seed))).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/3 of \d+ recomputed pixels disagree/),
    });
  });
});

describe('checkMandelbrotTile on tiny tiles checked whole', () => {
  it.each([
    [4, 4, 1],
    [5, 1, 0],
    [10, 2, 1],
    [16, 16, MANDELBROT_CHECK_MAX_OFF],
  ])('%i×%i forgives at most %i wrong pixels, so 10 percent wrong is always refused', (w, h, allowed) => {
    const params = tile(40, 20, w, h);
    const result = honest(params);
    const robust = robustPixels(params, words(result));
    expect(robust.length).toBeGreaterThan(allowed);
    for (const i of robust.slice(0, allowed)) words(result)[i] = (words(result)[i]! % 300) + 1;
    expect(checkMandelbrotTile(params, result, createPrng(seed)).status).toBe('plausible');
    const i = robust[allowed]!;
    words(result)[i] = (words(result)[i]! % 300) + 1;
    expect(checkMandelbrotTile(params, result, createPrng(seed)).status).toBe('invalid');
    expect(allowed + 1).toBeLessThanOrEqual(Math.max(1, Math.ceil((w * h) / 10)));
  });
});

describe('checkMandelbrotTile against lazy volunteers (≤ 90 % of the work)', () => {
  const TRIALS = 2000;

  /** Checks `result` TRIALS times with seeded randomness; the fraction found invalid. */
  function caught(params: MandelbrotShardParams, result: Uint8Array, seedBase: number): number {
    let invalid = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      if (checkMandelbrotTile(params, result, createPrng([trial, seedBase, 17, 4])).status === 'invalid')
        invalid++;
    }
    return invalid / TRIALS;
  }

  /** The lazy result: every pixel iterated to maxIter/10 only (what a shader with a lower cap returns). */
  function truncated(params: MandelbrotShardParams): Uint8Array {
    return mandelbrot.reference({ params: { ...params, maxIter: params.maxIter / 10 }, inputs: {} });
  }

  /** Fraction of the tile's true iterations a result represents, counting a pixel's work up to its reported count. */
  function workDone(params: MandelbrotShardParams, result: Uint8Array): number {
    const truth = words(honest(params));
    const got = words(result);
    let done = 0;
    let total = 0;
    for (let i = 0; i < truth.length; i++) {
      done += Math.min(got[i]!, truth[i]!);
      total += truth[i]!;
    }
    return done / total;
  }

  it('samples 134 pixels uniformly (10 % wrong shows > 2 wrong except with ≤ 10⁻⁴) and 134 by reported count', () => {
    expect(MANDELBROT_CHECK_SAMPLES).toBe(134);
    expect(MANDELBROT_CHECK_WEIGHTED_SAMPLES).toBe(134);
  });

  it.each([
    ['inside the set', 32, 16, 48, 40],
    ['mostly outside, a sliver of the set', 0, 0, 40, 32],
    ['on the boundary', 56, 24, 40, 40],
  ])('catches iterating to maxIter/10 %s in at least 99.9 percent of checks', (_name, x0, y0, w, h) => {
    const params = { ...tile(x0, y0, w, h), maxIter: 1000 };
    const lazy = truncated(params);
    expect(workDone(params, lazy)).toBeLessThan(0.9);
    expect(caught(params, lazy, 1)).toBeGreaterThanOrEqual(0.999);
  });

  it('finds truncated pixels through the count-weighted samples even when under 10 % of the tile is wrong', () => {
    const params = { ...tile(0, 0, 40, 32), maxIter: 1000 };
    const lazy = truncated(params);
    const truth = words(honest(params));
    const wrongPixels = words(lazy).filter((count, i) => count !== truth[i]).length;
    // 4.7 % of pixels but 82 % of the work: uniform samples alone would miss it about 1 time in 8.
    expect(wrongPixels / truth.length).toBeLessThan(0.1);
    expect(workDone(params, lazy)).toBeLessThan(0.25);
    expect(caught(params, lazy, 3)).toBeGreaterThanOrEqual(0.999);
  });

  it('catches any 10 % of pixels wrong (counts no honest evaluation gives) in ≥ 99.9 % of checks', () => {
    const params = tile(16, 8, 64, 48);
    const next = createPrng([31, 41, 59, 26]);
    const result = honest(params);
    const reported = words(result);
    const v = mandelbrotView(params);
    const pixels = params.w * params.h;
    const wrong = new Set<number>();
    while (wrong.size < pixels / 10) wrong.add(next() % pixels);
    for (const i of wrong) {
      const [cx, cy] = mandelbrotPoint(v, params.x0 + (i % params.w), params.y0 + Math.floor(i / params.w));
      const honestCounts = [reported[i]!, ...mandelbrotHonestCounts(cx, cy, params.maxIter)];
      let lie = Math.max(1, Math.floor(reported[i]! / 2));
      while (honestCounts.includes(lie)) lie = (lie % params.maxIter) + 1;
      reported[i] = lie;
    }
    expect(caught(params, result, 2)).toBeGreaterThanOrEqual(0.999);
  });

  it('never refuses an honest tile, with WebCrypto samples', () => {
    for (const [x0, y0] of [
      [0, 0],
      [32, 16],
      [56, 24],
    ] as const) {
      const params = { ...tile(x0, y0, 40, 40), maxIter: 1000 };
      const result = honest(params);
      for (let trial = 0; trial < 100; trial++)
        expect(checkMandelbrotTile(params, result).status).toBe('plausible');
    }
  });

  it('refuses the cheapest lies: empty, all zeros, every count 1, half the rows missing, every count maxIter', () => {
    const params = tile(16, 8, 64, 48);
    const result = honest(params);
    const halfRows = result.slice();
    halfRows.fill(0, halfRows.length / 2);
    const ones = new Uint32Array(params.w * params.h).fill(1);
    const inSet = new Uint32Array(params.w * params.h).fill(params.maxIter);
    for (const lie of [
      new Uint8Array(),
      new Uint8Array(result.length),
      new Uint8Array(ones.buffer),
      halfRows,
      new Uint8Array(inSet.buffer),
    ]) {
      for (let trial = 0; trial < 50; trial++)
        expect(checkMandelbrotTile(params, lie).status).toBe('invalid');
    }
  });
});

describe('mandelbrotTilesAgree', () => {
  const differing = (pixels: number, changed: number) => {
    const a = new Uint32Array(pixels).map((_, i) => i % 50);
    const b = a.slice();
    for (let i = 0; i < changed; i++) b[i * 7] = b[i * 7]! + 1;
    return [new Uint8Array(a.buffer), new Uint8Array(b.buffer)] as const;
  };

  it('accepts up to 0.1 % differing pixels and refuses more', () => {
    expect(mandelbrotTilesAgree(...differing(10_000, 10))).toBe(true);
    expect(mandelbrotTilesAgree(...differing(10_000, 11))).toBe(false);
  });

  it('always allows one differing pixel, so small boundary tiles can agree', () => {
    expect(mandelbrotTilesAgree(...differing(256, 1))).toBe(true);
    expect(mandelbrotTilesAgree(...differing(256, 2))).toBe(false);
  });

  it('refuses results of different sizes', () => {
    expect(mandelbrotTilesAgree(new Uint8Array(8), new Uint8Array(12))).toBe(false);
  });
});
