import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import { mandelbrot } from './mandelbrot';
import { checkMandelbrotTile, MANDELBROT_CHECK_MAX_OFF, mandelbrotTilesAgree } from './mandelbrot-check';
import { mandelbrotPixelIsFragile, mandelbrotPoint, mandelbrotView } from './mandelbrot-escape';
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
      expect(checkMandelbrotTile(params, result, [s, 1, 2, 3])).toEqual({ status: 'plausible' });
  });

  it('refuses garbage, zeros and counts above maxIter', () => {
    const params = tile(0, 0, 32, 32);
    const next = createPrng([9, 9, 9, 9]);
    const garbage = new Uint32Array(32 * 32).map(() => next() % 301);
    expect(checkMandelbrotTile(params, new Uint8Array(garbage.buffer), seed).status).toBe('invalid');
    expect(checkMandelbrotTile(params, new Uint8Array(32 * 32 * 4), seed).status).toBe('invalid');
    const above = honest(params);
    words(above)[77] = 301;
    const verdict = checkMandelbrotTile(params, above, seed);
    expect(verdict).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/301 iterations, above maxIter 300/),
    });
  });

  it('refuses a wrong-size result', () => {
    expect(checkMandelbrotTile(tile(0, 0, 4, 4), new Uint8Array(60), seed).status).toBe('invalid');
  });

  it(`tolerates ${MANDELBROT_CHECK_MAX_OFF} wrong pixels among those sampled, not one more`, () => {
    // 8 × 8 = 64 pixels: every pixel is checked.
    const params = tile(40, 20, 8, 8);
    const result = honest(params);
    const robust = robustPixels(params, words(result));
    expect(robust.length).toBeGreaterThan(MANDELBROT_CHECK_MAX_OFF);
    for (const i of robust.slice(0, MANDELBROT_CHECK_MAX_OFF))
      words(result)[i] = (words(result)[i]! + 1) % 300;
    expect(checkMandelbrotTile(params, result, seed).status).toBe('plausible');
    const i = robust[MANDELBROT_CHECK_MAX_OFF]!;
    words(result)[i] = (words(result)[i]! + 1) % 300;
    expect(checkMandelbrotTile(params, result, seed)).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/3 of \d+ recomputed pixels disagree/),
    });
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
