import { describe, expect, it } from 'vitest';
import { f32DotErrorFactor, f32FlushSlack } from './f32-error';

describe('f32 error model', () => {
  it('is k·2⁻²⁴ to first order and grows with k', () => {
    expect(f32DotErrorFactor(1) / 2 ** -24).toBeCloseTo(1, 6);
    expect(f32DotErrorFactor(4096) / (4096 * 2 ** -24)).toBeCloseTo(1, 3);
    expect(f32DotErrorFactor(4096)).toBeGreaterThan(f32DotErrorFactor(4095));
  });

  it('bounds a worst-case honest sum: 4096 copies of 0.1 added sequentially in f32', () => {
    let sum = 0;
    for (let i = 0; i < 4096; i++) sum = Math.fround(sum + Math.fround(0.1));
    const exact = 4096 * Math.fround(0.1);
    expect(Math.abs(sum - exact)).toBeLessThanOrEqual(f32DotErrorFactor(4096) * exact);
  });

  it('gives a tiny positive slack for subnormal flushing', () => {
    expect(f32FlushSlack(1)).toBeGreaterThan(0);
    expect(f32FlushSlack(4096)).toBeLessThan(1e-33);
  });
});
