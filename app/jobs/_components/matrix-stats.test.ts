import { describe, expect, it } from 'vitest';
import { matrixStats } from './matrix-stats';

describe('matrixStats', () => {
  it('computes min, max, mean and the Frobenius norm', () => {
    const stats = matrixStats(Float32Array.from([3, -4, 0, 1, 2, -2]), 2, 3);
    expect(stats).toEqual({ rows: 2, cols: 3, min: -4, max: 3, mean: 0, frobenius: Math.sqrt(34) });
  });

  it('gives zeros for an empty matrix', () => {
    expect(matrixStats(new Float32Array(0), 0, 5)).toMatchObject({ min: 0, max: 0, mean: 0, frobenius: 0 });
  });
});
