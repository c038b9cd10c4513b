import { describe, expect, it } from 'vitest';
import { mandelbrotJobParamsSchema } from './mandelbrot/mandelbrot-params';
import { matmulJobParamsSchema } from './matmul/matmul-params';
import { paramIssues } from './param-issues';
import { parseParams } from './parse-params';

describe('paramIssues', () => {
  it('names every bad field at once, with the server’s first message among them', () => {
    const bad = { m: 0, n: 'x' };
    const issues = paramIssues(matmulJobParamsSchema, bad);
    expect(issues.map((i) => i.field).sort()).toEqual(['params.k', 'params.m', 'params.n']);
    let first: { field: string; message: string } | undefined;
    try {
      parseParams(matmulJobParamsSchema, bad);
    } catch (error) {
      first = { field: (error as { field: string }).field, message: (error as Error).message };
    }
    expect(issues).toContainEqual(expect.objectContaining({ field: first!.field }));
  });

  it('names unknown keys as their own field, and is empty for good params', () => {
    expect(paramIssues(matmulJobParamsSchema, { m: 4, n: 4, k: 4, tile_rows: 2 })).toEqual([
      { field: 'params.tile_rows', message: expect.any(String) },
    ]);
    expect(paramIssues(matmulJobParamsSchema, { m: 4, n: 4, k: 4 })).toEqual([]);
    expect(paramIssues(mandelbrotJobParamsSchema, {}).length).toBeGreaterThan(1);
  });
});
