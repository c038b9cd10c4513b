import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import type { MatmulBlock } from './matmul-block';
import { matmulResultsAgree } from './matmul-compare';

function randomBlock(rows: number, cols: number, k: number, scale = 1): MatmulBlock {
  const next = createPrng([rows, cols, k, 99]);
  const matrix = (length: number) =>
    Float32Array.from({ length }, () => scale * (2 * (next() / 2 ** 32) - 1));
  return { rows, cols, k, a: matrix(rows * k), b: matrix(k * cols) };
}

/** C in f32 with a chosen accumulation order: forward (FMA-like) or backward with separate roundings. */
function product({ rows, cols, k, a, b }: MatmulBlock, backward: boolean): Float32Array {
  const c = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let step = 0; step < k; step++) {
        const l = backward ? k - 1 - step : step;
        const term = a[i * k + l]! * b[l * cols + j]!;
        sum = Math.fround(sum + (backward ? Math.fround(term) : term));
      }
      c[i * cols + j] = sum;
    }
  }
  return c;
}

describe('matmulResultsAgree', () => {
  it('accepts two honest results summed in different orders, at any scale', () => {
    for (const [rows, cols, k] of [
      [1, 1, 1],
      [7, 13, 5],
      [16, 16, 300],
    ] as const) {
      for (const scale of [1, 1e15, 1e-15]) {
        const block = randomBlock(rows, cols, k, scale);
        expect(matmulResultsAgree(block, product(block, false), product(block, true))).toBe(true);
      }
    }
  });

  it('rejects one element changed by 1 % of the typical |C|, including the last', () => {
    const block = randomBlock(7, 13, 50);
    const c = product(block, false);
    const rms = Math.sqrt(c.reduce((sum, x) => sum + x * x, 0) / c.length);
    for (const position of [0, 40, c.length - 1]) {
      const wrong = c.slice();
      wrong[position] = wrong[position]! + 0.01 * rms;
      expect(matmulResultsAgree(block, c, wrong)).toBe(false);
    }
  });

  it('rejects NaN, infinities and a wrong length', () => {
    const block = randomBlock(3, 3, 3);
    const c = product(block, false);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const wrong = c.slice();
      wrong[8] = bad;
      expect(matmulResultsAgree(block, wrong, wrong)).toBe(false);
    }
    expect(matmulResultsAgree(block, c, c.subarray(1))).toBe(false);
  });
});
