import { describe, expect, it } from 'vitest';
import { f32ToLe } from '../f32-le';
import { readMatmulBlock } from './matmul-block';

const params = { m: 4, n: 5, k: 3, row0: 1, rows: 2, col0: 2, cols: 3 };

describe('readMatmulBlock', () => {
  it('decodes A and B blocks of the sizes the params say', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(readMatmulBlock({ params, inputs: { a: f32ToLe(a), b: f32ToLe(b) } })).toEqual({
      rows: 2,
      cols: 3,
      k: 3,
      a,
      b,
    });
  });

  it('throws on a missing or wrong-size input', () => {
    const a = f32ToLe(new Float32Array(6));
    expect(() => readMatmulBlock({ params, inputs: { a } })).toThrow(/no input "b"/);
    expect(() => readMatmulBlock({ params, inputs: { a, b: f32ToLe(new Float32Array(8)) } })).toThrow(
      /3×3 f32 needs 36/,
    );
  });
});
