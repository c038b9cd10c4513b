import { describe, expect, it } from 'vitest';
import { wgslOutputsAgree } from './custom-wgsl-compare';

const f32 = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const u32 = (...values: number[]) => new Uint8Array(Uint32Array.from(values).buffer);

describe('wgslOutputsAgree', () => {
  it('exact: bit for bit only', () => {
    expect(wgslOutputsAgree('exact', u32(1, 2, 3), u32(1, 2, 3))).toBe(true);
    expect(wgslOutputsAgree('exact', u32(1, 2, 3), u32(1, 2, 4))).toBe(false);
    expect(wgslOutputsAgree('exact', f32(0), f32(-0))).toBe(false);
    expect(wgslOutputsAgree('exact', u32(1), u32(1, 0))).toBe(false);
  });

  it('tolerance: relative to the larger magnitude, word by word', () => {
    const rule = { tolerance: 1e-5 };
    expect(wgslOutputsAgree(rule, f32(1, 1000, -3), f32(1 + 5e-6, 1000.009, -3.00002))).toBe(true);
    expect(wgslOutputsAgree(rule, f32(1, 1000), f32(1, 1000.02))).toBe(false);
    expect(wgslOutputsAgree(rule, f32(1), f32(-1))).toBe(false);
  });

  it('tolerance: NaN matches NaN, subnormals match zero, infinities only themselves', () => {
    const rule = { tolerance: 1e-3 };
    expect(wgslOutputsAgree(rule, f32(Number.NaN), f32(Number.NaN))).toBe(true);
    expect(wgslOutputsAgree(rule, f32(Number.NaN), f32(1))).toBe(false);
    expect(wgslOutputsAgree(rule, f32(1e-40), f32(0))).toBe(true);
    expect(wgslOutputsAgree(rule, f32(0), f32(-0))).toBe(true);
    expect(wgslOutputsAgree(rule, f32(Number.POSITIVE_INFINITY), f32(Number.POSITIVE_INFINITY))).toBe(true);
    expect(wgslOutputsAgree(rule, f32(Number.POSITIVE_INFINITY), f32(3.4e38))).toBe(false);
    expect(wgslOutputsAgree(rule, f32(1e-30), f32(2e-30))).toBe(false);
  });
});
