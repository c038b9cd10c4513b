import { describe, expect, it } from 'vitest';
import { shardWorkUnits } from './volunteer-work-units';

describe('shardWorkUnits', () => {
  it("is the kernel's work units for the lease's params", () => {
    const params = { m: 64, n: 64, k: 32, row0: 0, rows: 16, col0: 16, cols: 8 };
    expect(shardWorkUnits('matmul', params)).toBeCloseTo((2 * 16 * 8 * 32) / 1e6);
  });

  it('is 0 for an unknown kernel or params that do not parse', () => {
    expect(shardWorkUnits('nope', {})).toBe(0);
    expect(shardWorkUnits('matmul', { m: 'x' })).toBe(0);
  });
});
