import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import { mandelbrotEscapeF64 } from './mandelbrot-escape';
import { estimateEscape, estimateTileIterations, mandelbrotPreview } from './mandelbrot-estimate';

describe('estimateEscape', () => {
  it('gives the exact f64 count for points that escape', () => {
    const next = createPrng([3, 1, 4, 1]);
    for (let n = 0; n < 500; n++) {
      const cx = -2.2 + (3 * next()) / 2 ** 32;
      const cy = (1.5 * next()) / 2 ** 32;
      const exact = mandelbrotEscapeF64(cx, cy, 3000);
      if (exact < 3000) expect(estimateEscape(cx, cy, 3000)).toBe(exact);
    }
  });

  it('returns maxIter for points in the set, cut short by the cardioid, bulb and cycle checks', () => {
    for (const [cx, cy] of [
      [0, 0],
      [-1, 0],
      [0.2, 0.3],
      [-0.1226, 0.7449],
      [-1.75, 0],
    ] as const) {
      expect(estimateEscape(cx, cy, 1_000_000)).toBe(1_000_000);
    }
  });
});

describe('estimateTileIterations', () => {
  const params = { width: 200, height: 120, centerX: -0.5, centerY: 0, scale: 3, maxIter: 400 };
  const preview = mandelbrotPreview(params);

  it('splits the preview among tiles: awkward tiles sum to the whole image', () => {
    const whole = estimateTileIterations(preview, params, { x0: 0, y0: 0, w: 200, h: 120 });
    let sum = 0;
    for (let y0 = 0; y0 < 120; y0 += 37) {
      for (let x0 = 0; x0 < 200; x0 += 23) {
        sum += estimateTileIterations(preview, params, {
          x0,
          y0,
          w: Math.min(23, 200 - x0),
          h: Math.min(37, 120 - y0),
        });
      }
    }
    expect(Math.abs(sum - whole) / whole).toBeLessThan(1e-3);
  });

  it('stays between w·h and w·h·maxIter', () => {
    const inSet = { ...params, centerX: -0.1, centerY: 0, scale: 0.01 };
    expect(estimateTileIterations(mandelbrotPreview(inSet), inSet, { x0: 0, y0: 0, w: 10, h: 10 })).toBe(
      100 * 400,
    );
    const outside = { ...params, centerX: 3, centerY: 3, scale: 0.5 };
    expect(estimateTileIterations(mandelbrotPreview(outside), outside, { x0: 5, y0: 5, w: 10, h: 10 })).toBe(
      100,
    );
  });
});
