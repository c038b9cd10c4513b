import { describe, expect, it } from 'vitest';
import { createPrng } from '../prng';
import { freivaldsCheck, freivaldsEntry, freivaldsTolerances } from './freivalds';
import type { MatmulBlock } from './matmul-block';

type Fill = (next: () => number) => number;
const uniform = (next: () => number) => next() / 2 ** 32;
const fills: Record<string, Fill> = {
  'uniform(-1, 1)': (next) => 2 * uniform(next) - 1,
  'uniform(0, 1)': (next) => uniform(next),
  'mixed magnitudes 1e-4..1e4, both signs': (next) =>
    (next() & 1 ? 1 : -1) * 10 ** (8 * uniform(next) - 4) * (1 + uniform(next)),
  'constant 0.1 (correlated rounding)': () => 0.1,
  'huge (1e18)': (next) => 1e18 * (2 * uniform(next) - 1),
  'tiny (1e-25, products underflow f32)': (next) => 1e-25 * (2 * uniform(next) - 1),
  'sparse with zeros': (next) => (next() % 4 === 0 ? 2 * uniform(next) - 1 : 0),
};

function randomBlock(rows: number, cols: number, k: number, fill: Fill, seed: number): MatmulBlock {
  const next = createPrng([seed, rows, cols, k]);
  const matrix = (length: number) => Float32Array.from({ length }, () => fill(next));
  return { rows, cols, k, a: matrix(rows * k), b: matrix(k * cols) };
}

/** Honest f32 results, each summing in a different order than the CPU reference does. */
const honest: Record<string, (block: MatmulBlock) => Float32Array> = {
  'sequential, f32 product then f32 add (no FMA)': ({ rows, cols, k, a, b }) => {
    const c = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let l = k - 1; l >= 0; l--)
          sum = Math.fround(sum + Math.fround(a[i * k + l]! * b[l * cols + j]!));
        c[i * cols + j] = sum;
      }
    }
    return c;
  },
  'blocked: 16 f32 partial sums over k, like a tiled GPU kernel': ({ rows, cols, k, a, b }) => {
    const c = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const partial = new Float32Array(16);
        for (let l = 0; l < k; l++) partial[l % 16] = partial[l % 16]! + a[i * k + l]! * b[l * cols + j]!;
        let sum = 0;
        for (const p of partial) sum = Math.fround(sum + p);
        c[i * cols + j] = sum;
      }
    }
    return c;
  },
  'pairwise tree in f32': ({ rows, cols, k, a, b }) => {
    const c = new Float32Array(rows * cols);
    const terms = new Float32Array(k);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (let l = 0; l < k; l++) terms[l] = a[i * k + l]! * b[l * cols + j]!;
        for (let width = k; width > 1; width = Math.ceil(width / 2)) {
          const half = Math.ceil(width / 2);
          for (let l = 0; l + half < width; l++) terms[l] = terms[l]! + terms[l + half]!;
        }
        c[i * cols + j] = terms[0]!;
      }
    }
    return c;
  },
  'f64 accumulation, rounded once': ({ rows, cols, k, a, b }) => {
    const c = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let l = 0; l < k; l++) sum += a[i * k + l]! * b[l * cols + j]!;
        c[i * cols + j] = sum;
      }
    }
    return c;
  },
};

/** rows × cols × k: primes, vectors, a shape below one tile, a full default tile, deep k. */
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [1, 97, 31],
  [97, 1, 31],
  [13, 7, 256],
  [64, 64, 64],
  [17, 33, 300],
];

const seed = [1, 2, 3, 4];

describe('freivaldsCheck', () => {
  it.each(Object.entries(fills))('accepts honest f32 results for %s data', (_name, fill) => {
    for (const [rows, cols, k] of SIZES) {
      const block = randomBlock(rows, cols, k, fill, 7);
      for (const [method, compute] of Object.entries(honest)) {
        const verdict = freivaldsCheck(block, compute(block), { random: createPrng(seed) });
        expect(verdict, `${rows}×${cols}×${k} ${method}`).toEqual({ status: 'valid' });
      }
    }
  });

  it('accepts honest results under many random vectors', () => {
    const block = randomBlock(16, 32, 300, fills['uniform(0, 1)']!, 3);
    const c = honest['sequential, f32 product then f32 add (no FMA)']!(block);
    for (let s = 0; s < 200; s++)
      expect(freivaldsCheck(block, c, { random: createPrng([s, 1, 2, 3]) }).status).toBe('valid');
  });

  it('rejects one element off by 1 (entries in [-1, 1]), at the first, a middle and the last position', () => {
    for (const [rows, cols, k] of SIZES) {
      const block = randomBlock(rows, cols, k, fills['uniform(-1, 1)']!, 11);
      const c = honest['blocked: 16 f32 partial sums over k, like a tiled GPU kernel']!(block);
      for (const position of new Set([0, Math.floor(c.length / 2), c.length - 1])) {
        for (const delta of [1, -1]) {
          const wrong = c.slice();
          wrong[position] = wrong[position]! + delta;
          const verdict = freivaldsCheck(block, wrong, { random: createPrng(seed) });
          expect(verdict.status, `${rows}×${cols}×${k} at ${position}`).toBe('invalid');
          expect(verdict).toMatchObject({ reason: expect.stringContaining('Freivalds') });
        }
      }
    }
  });

  it('rejects one element off by 0.1 % of the typical |C| when k is small', () => {
    for (const [rows, cols, k] of [
      [7, 13, 5],
      [16, 16, 16],
      [1, 64, 8],
    ] as const) {
      const block = randomBlock(rows, cols, k, fills['uniform(-1, 1)']!, 5);
      const c = honest['f64 accumulation, rounded once']!(block);
      const rms = Math.sqrt(c.reduce((sum, x) => sum + x * x, 0) / c.length);
      for (const position of [0, c.length - 1]) {
        const wrong = c.slice();
        wrong[position] = wrong[position]! + 1e-3 * rms;
        expect(
          freivaldsCheck(block, wrong, { random: createPrng(seed) }).status,
          `${rows}×${cols}×${k} at ${position}`,
        ).toBe('invalid');
      }
    }
  });

  it('rejects a relative error in one element of mixed-magnitude data', () => {
    const block = randomBlock(9, 11, 40, fills['mixed magnitudes 1e-4..1e4, both signs']!, 2);
    const c = honest['pairwise tree in f32']!(block);
    let largest = 0;
    for (let i = 0; i < c.length; i++) if (Math.abs(c[i]!) > Math.abs(c[largest]!)) largest = i;
    const wrong = c.slice();
    wrong[largest] = wrong[largest]! * 1.001;
    expect(freivaldsCheck(block, wrong, { random: createPrng(seed) }).status).toBe('invalid');
  });

  it('rejects NaN and infinities anywhere, naming the element', () => {
    const block = randomBlock(7, 13, 5, fills['uniform(-1, 1)']!, 1);
    const c = honest['f64 accumulation, rounded once']!(block);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const wrong = c.slice();
      wrong[wrong.length - 1] = bad;
      expect(freivaldsCheck(block, wrong, { random: createPrng(seed) })).toEqual({
        status: 'invalid',
        reason: expect.stringContaining(`element [6, 12] of the block is ${bad}`),
      });
    }
  });

  it('rejects results that are wrong everywhere', () => {
    const block = randomBlock(20, 30, 40, fills['uniform(0, 1)']!, 9);
    const c = honest['f64 accumulation, rounded once']!(block);
    const transposedB: MatmulBlock = { ...block, b: block.b.slice().reverse() };
    for (const wrong of [new Float32Array(c.length), c.map((x) => x * 1.01), c.slice().reverse()]) {
      expect(freivaldsCheck(block, wrong, { random: createPrng(seed) }).status).toBe('invalid');
    }
    expect(freivaldsCheck(transposedB, c, { random: createPrng(seed) }).status).toBe('invalid');
  });

  it('rejects a result of the wrong length', () => {
    const block = randomBlock(2, 3, 4, fills['uniform(0, 1)']!, 1);
    expect(freivaldsCheck(block, new Float32Array(5), { random: createPrng(seed) }).status).toBe('invalid');
  });

  it('accepts an all-zero product exactly', () => {
    const block: MatmulBlock = {
      rows: 3,
      cols: 4,
      k: 5,
      a: new Float32Array(15),
      b: new Float32Array(20).fill(1),
    };
    expect(freivaldsCheck(block, new Float32Array(12), { random: createPrng(seed) }).status).toBe('valid');
    const wrong = new Float32Array(12);
    wrong[11] = 1e-30;
    expect(freivaldsCheck(block, wrong, { random: createPrng(seed) }).status).toBe('invalid');
  });
});

describe('freivaldsCheck with continuous vectors', () => {
  const block = randomBlock(32, 64, 256, fills['uniform(-1, 1)']!, 21);
  const blocked = honest['blocked: 16 f32 partial sums over k, like a tiled GPU kernel']!;
  const c = blocked(block);
  const tolerance = freivaldsTolerances(block, c);

  it('draws entries uniform on [−1, −½] ∪ [½, 1]', () => {
    const next = createPrng([4, 4, 4, 4]);
    const draws = Array.from({ length: 20_000 }, () => freivaldsEntry(next));
    for (const x of draws) expect(Math.abs(x) >= 0.5 && Math.abs(x) <= 1).toBe(true);
    const negative = draws.filter((x) => x < 0).length;
    expect(Math.abs(negative - 10_000)).toBeLessThan(400);
    const upperHalf = draws.filter((x) => Math.abs(x) > 0.75).length;
    expect(Math.abs(upperHalf - 10_000)).toBeLessThan(400);
  });

  it('catches compensating errors (+1000 and −1000 in one row) in every one of 1000 checks', () => {
    for (let trial = 0; trial < 1000; trial++) {
      const wrong = c.slice();
      const row = trial % block.rows;
      const [plus, minus] = [row * block.cols + (trial % 7), row * block.cols + 30 + (trial % 11)];
      wrong[plus] = wrong[plus]! + 1000;
      wrong[minus] = wrong[minus]! - 1000;
      const random = trial % 2 ? createPrng([trial, 9, 9, 9]) : undefined; // half seeded, half WebCrypto
      expect(freivaldsCheck(block, wrong, { random }).status, `trial ${trial}`).toBe('invalid');
    }
  });

  it('catches many compensating pairs spread over a row, each pair summing to zero', () => {
    for (let trial = 0; trial < 200; trial++) {
      const wrong = c.slice();
      for (let j = 0; j < block.cols; j += 2) {
        wrong[5 * block.cols + j] = wrong[5 * block.cols + j]! + 1;
        wrong[5 * block.cols + j + 1] = wrong[5 * block.cols + j + 1]! - 1;
      }
      expect(freivaldsCheck(block, wrong, { random: createPrng([trial, 1, 1, 1]) }).status).toBe('invalid');
    }
  });

  it('accepts honest blocked-order (GPU-style) results in every one of 1000 checks', () => {
    for (let trial = 0; trial < 1000; trial++) {
      const random = trial % 2 ? createPrng([trial, 3, 3, 3]) : undefined;
      expect(freivaldsCheck(block, c, { random }).status, `trial ${trial}`).toBe('valid');
    }
  });

  it('lets small compensating errors through no more often than (2τ/|e|)^4 predicts', () => {
    // ±4τ in one row: the bound says ≤ (2τ/4τ)^4 = 1/16 of checks may pass.
    const row = 3;
    const size = 4 * tolerance[row]!;
    const wrong = c.slice();
    wrong[row * block.cols + 1] = wrong[row * block.cols + 1]! + size;
    wrong[row * block.cols + 2] = wrong[row * block.cols + 2]! - size;
    const trials = 2000;
    let passed = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (freivaldsCheck(block, wrong, { random: createPrng([trial, 5, 5, 5]) }).status === 'valid') passed++;
    }
    const bound = 1 / 16;
    // Binomial(trials, bound) exceeds bound + 5 sd with negligible probability.
    expect(passed / trials).toBeLessThan(bound + 5 * Math.sqrt((bound * (1 - bound)) / trials));
    // And the errors are not so large that the test is trivial: some checks do pass.
    expect(passed).toBeGreaterThan(0);
  });
});
