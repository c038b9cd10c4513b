import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import {
  f32Neighbours,
  mandelbrotEscapeF32,
  mandelbrotEscapeF32Fused,
  mandelbrotEscapeF64,
  mandelbrotPixelIsFragile,
  mandelbrotPoint,
  mandelbrotView,
} from './mandelbrot-escape';

/** An independent float32 oracle: every intermediate stored through a Float32Array. */
function escapeViaFloat32Array(cx: number, cy: number, maxIter: number): number {
  const r = new Float32Array(6); // x, y, x2, y2, xy, tmp
  const c = Float32Array.of(cx, cy);
  let i = 0;
  for (; i < maxIter; i++) {
    r[2] = r[0]! * r[0]!;
    r[3] = r[1]! * r[1]!;
    r[5] = r[2]! + r[3]!;
    if (r[5]! > 4) break;
    r[4] = r[0]! * r[1]!;
    r[5] = r[4]! + r[4]!;
    r[1] = r[5]! + c[1]!;
    r[5] = r[2]! - r[3]!;
    r[0] = r[5]! + c[0]!;
  }
  return i;
}

describe('mandelbrotEscapeF32', () => {
  it.each([
    ['the origin (in the set)', 0, 0, 1000, 1000],
    ['2 + 2i (escapes at once)', 2, 2, 1000, 1],
    ['-2 (the tip: |z| stays 2)', -2, 0, 500, 500],
    ['1 (0, 1, 2, 5)', 1, 0, 100, 3],
    ['-1 (the period-2 cycle)', -1, 0, 777, 777],
    ['i (the period-2 cycle i-1, -i)', 0, 1, 300, 300],
    ['maxIter 1 caps everything', 3, 3, 1, 1],
  ])('%s', (_name, cx, cy, maxIter, expected) => {
    expect(mandelbrotEscapeF32(cx, cy, maxIter)).toBe(expected);
  });

  it('rounds every operation to float32 like a GPU (agrees with a Float32Array oracle)', () => {
    const next = createPrng([5, 6, 7, 8]);
    let boundaryDiffersFromF64 = 0;
    for (let n = 0; n < 3000; n++) {
      const cx = Math.fround(-2 + (2.5 * next()) / 2 ** 32);
      const cy = Math.fround((1.2 * next()) / 2 ** 32);
      const count = mandelbrotEscapeF32(cx, cy, 2000);
      expect(count).toBe(escapeViaFloat32Array(cx, cy, 2000));
      if (count !== mandelbrotEscapeF64(cx, cy, 2000)) boundaryDiffersFromF64++;
    }
    // f32 and f64 differ only on a few chaotic boundary points, which proves f32 rounding happened.
    expect(boundaryDiffersFromF64).toBeGreaterThan(0);
    expect(boundaryDiffersFromF64).toBeLessThan(150);
  });

  it('has fused and f64 twins that agree away from the boundary', () => {
    for (const [cx, cy] of [
      [0.3, 0.5],
      [-0.1, 0.1],
      [1, 1],
      [-1.5, 0.3],
    ] as const) {
      const count = mandelbrotEscapeF32(cx, cy, 5000);
      expect(mandelbrotEscapeF32Fused(cx, cy, 5000)).toBe(count);
      expect(mandelbrotEscapeF64(cx, cy, 5000)).toBe(count);
    }
  });
});

describe('mandelbrotView', () => {
  it('centres square pixels on the view, row 0 at the top', () => {
    const view = mandelbrotView({ width: 2, height: 2, centerX: 0, centerY: 0, scale: 2 });
    expect(view).toEqual({ left: -0.5, top: 0.5, step: 1 });
    expect(mandelbrotPoint(view, 1, 1)).toEqual([0.5, -0.5]);
  });

  it('gives float32 values, and pixel centres symmetric about the centre', () => {
    const view = mandelbrotView({ width: 301, height: 7, centerX: -0.7, centerY: 0.3, scale: 0.3 });
    for (const value of Object.values(view)) expect(Math.fround(value)).toBe(value);
    const [middleX, middleY] = mandelbrotPoint(view, 150, 3);
    expect(middleX).toBeCloseTo(-0.7, 6);
    expect(middleY).toBeCloseTo(0.3, 6);
    expect(mandelbrotPoint(view, 300, 0)[0] - -0.7).toBeCloseTo(-0.7 - mandelbrotPoint(view, 0, 0)[0], 6);
  });
});

describe('f32Neighbours', () => {
  it('steps one float32 ulp down and up, across zero too', () => {
    expect(f32Neighbours(1)).toEqual([1 - 2 ** -24, 1 + 2 ** -23]);
    expect(f32Neighbours(-1)).toEqual([-1 - 2 ** -23, -1 + 2 ** -24]);
    expect(f32Neighbours(0)).toEqual([-(2 ** -149), 2 ** -149]);
  });
});

describe('mandelbrotPixelIsFragile', () => {
  it('is false deep inside and far outside the set', () => {
    expect(mandelbrotPixelIsFragile(0, 0, 1000, 1000)).toBe(false);
    expect(mandelbrotPixelIsFragile(2, 2, 1000, 1)).toBe(false);
  });

  it('is true where the f32 and f64 counts part (the chaotic boundary)', () => {
    const next = createPrng([1, 1, 2, 3]);
    let found = 0;
    for (let n = 0; n < 3000 && found < 3; n++) {
      const cx = Math.fround(-2 + (2.5 * next()) / 2 ** 32);
      const cy = Math.fround((1.2 * next()) / 2 ** 32);
      const count = mandelbrotEscapeF32(cx, cy, 2000);
      if (count === mandelbrotEscapeF64(cx, cy, 2000)) continue;
      expect(mandelbrotPixelIsFragile(cx, cy, 2000, count)).toBe(true);
      found++;
    }
    expect(found).toBe(3);
  });
});
