import { describe, expect, it } from 'vitest';
import { binomialCdf, LAZY_FRACTION, SAMPLED_CHECK_MISS, samplesToCatch } from './sample-size';

describe('samplesToCatch', () => {
  it('gives ln(0.001)/ln(0.9) ≈ 66 samples for 10 % wrong at 99.9 %, none forgiven', () => {
    expect(samplesToCatch(0.1, 0.001)).toBe(66);
    expect(0.9 ** 66).toBeLessThanOrEqual(0.001);
    expect(0.9 ** 65).toBeGreaterThan(0.001);
  });

  it('needs more samples when some wrong ones are forgiven', () => {
    const n = samplesToCatch(0.1, 0.001, 2);
    expect(n).toBe(108);
    expect(binomialCdf(n, 0.1, 2)).toBeLessThanOrEqual(0.001);
    expect(binomialCdf(n - 1, 0.1, 2)).toBeGreaterThan(0.001);
  });

  it('sizes the kernels for 10 % wrong at 10⁻⁴: 88 samples, 134 when two are forgiven', () => {
    expect(samplesToCatch(LAZY_FRACTION, SAMPLED_CHECK_MISS)).toBe(88);
    expect(samplesToCatch(LAZY_FRACTION, SAMPLED_CHECK_MISS, 2)).toBe(134);
  });

  it('computes the binomial CDF', () => {
    expect(binomialCdf(3, 0.5, 0)).toBeCloseTo(1 / 8);
    expect(binomialCdf(3, 0.5, 1)).toBeCloseTo(4 / 8);
    expect(binomialCdf(3, 0.5, 3)).toBeCloseTo(1);
    expect(binomialCdf(66, 0.1, 0)).toBeCloseTo(0.9 ** 66, 12);
  });
});
