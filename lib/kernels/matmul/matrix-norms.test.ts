import { describe, expect, it } from 'vitest';
import { columnNorms, rowNorms } from './matrix-norms';

describe('matrix norms', () => {
  const matrix = new Float32Array([3, 4, 0, 0, 0, -2]); // 2×3

  it('computes row norms', () => {
    expect([...rowNorms(matrix, 2, 3)]).toEqual([5, 2]);
  });

  it('computes column norms', () => {
    expect([...columnNorms(matrix, 2, 3)]).toEqual([3, 4, 2]);
  });

  it('does not overflow where f32 would', () => {
    expect(rowNorms(new Float32Array([3e38, 3e38]), 1, 2)[0]! / (Math.fround(3e38) * Math.SQRT2)).toBeCloseTo(
      1,
      12,
    );
  });
});
