import { describe, expect, it } from 'vitest';
import { createPrng, cryptoU32, randomSeed, uniformIndex, uniformUnit } from './prng';

describe('createPrng', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const take = (next: () => number) => Array.from({ length: 8 }, next);
    expect(take(createPrng([1, 2, 3, 4]))).toEqual(take(createPrng([1, 2, 3, 4])));
    expect(take(createPrng([1, 2, 3, 4]))).not.toEqual(take(createPrng([1, 2, 3, 5])));
  });

  it('matches the xoshiro128** reference output', () => {
    // First outputs of the reference C implementation for state {1, 2, 3, 4}.
    const next = createPrng([1, 2, 3, 4]);
    expect([next(), next(), next()]).toEqual([11520, 0, 5927040]);
  });

  it('yields u32 values with balanced bits, even from an all-zero seed', () => {
    const next = createPrng([0, 0, 0, 0]);
    let ones = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      ones += x >>> 31;
    }
    expect(Math.abs(ones - 5000)).toBeLessThan(300);
  });

  it('draws fresh seeds', () => {
    expect(randomSeed()).toHaveLength(4);
    expect(randomSeed()).not.toEqual(randomSeed());
  });
});

describe('cryptoU32, uniformIndex, uniformUnit', () => {
  it('draws u32 from WebCrypto across buffer refills', () => {
    const next = cryptoU32();
    const values = Array.from({ length: 600 }, () => next());
    for (const x of values) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(590);
  });

  it('draws integers in [0, n) without bias, for n = 1 up to 2^32', () => {
    const next = createPrng([5, 6, 7, 8]);
    expect(uniformIndex(next, 1)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[uniformIndex(next, 3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const big = uniformIndex(next, 2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
    expect(() => uniformIndex(next, 0)).toThrow(RangeError);
    expect(() => uniformIndex(next, 2 ** 32 + 1)).toThrow(RangeError);
  });

  it('rejects the biased top of the u32 range', () => {
    // n = 3·2^30: 2^32 mod n = 2^30, so draws ≥ 3·2^30 are redrawn.
    const draws = [3 * 2 ** 30, 3 * 2 ** 30 + 5, 17];
    expect(uniformIndex(() => draws.shift()!, 3 * 2 ** 30)).toBe(17);
  });

  it('draws f64 in [0, 1) with mean 1/2', () => {
    const next = createPrng([1, 1, 1, 1]);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = uniformUnit(next);
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(uniformUnit(() => 2 ** 32 - 1)).toBeLessThan(1);
  });
});
