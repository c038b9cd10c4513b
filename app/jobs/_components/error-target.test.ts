import { describe, expect, it } from 'vitest';
import { errorTarget } from './error-target';

const matmul = { paramNames: ['m', 'n', 'k', 'tileRows', 'tileCols'], inputNames: ['a', 'b'] };

describe('errorTarget', () => {
  it('maps params, inputs and replication paths to their controls', () => {
    expect(errorTarget('params.m', matmul)).toBe('param-m');
    expect(errorTarget('inputs.a', matmul)).toBe('input-a');
    expect(errorTarget('replication.min', matmul)).toBe('replication-min');
    expect(errorTarget('replication.max', matmul)).toBe('replication-max');
    expect(errorTarget('title', matmul)).toBe('title');
    expect(errorTarget('kernel', matmul)).toBe('kernel');
  });

  it('falls back to the group for a path it has no control for', () => {
    expect(errorTarget('params.unknown', matmul)).toBe('params');
    expect(errorTarget('params', matmul)).toBe('params');
    expect(errorTarget('inputs', matmul)).toBe('inputs');
    expect(errorTarget('inputs.c', matmul)).toBe('inputs');
    expect(errorTarget('params.x', { paramNames: ['params'], inputNames: [] })).toBe('param-params');
  });

  it('leaves errors without a known field to the form', () => {
    expect(errorTarget(undefined, matmul)).toBeNull();
    expect(errorTarget('job', matmul)).toBeNull();
    expect(errorTarget('inputs.a', { paramNames: [], inputNames: [] })).toBeNull();
  });
});
