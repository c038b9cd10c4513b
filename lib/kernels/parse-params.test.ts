import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KernelInputError } from './kernel';
import { parseParams } from './parse-params';

const schema = z.strictObject({
  size: z.int({ error: 'size must be a whole number' }).min(1, 'size must be at least 1'),
  nested: z.object({ name: z.string({ error: 'name must be text' }) }).optional(),
});

function rejection(value: unknown): KernelInputError {
  try {
    parseParams(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('accepted');
}

describe('parseParams', () => {
  it('returns the parsed value', () => {
    expect(parseParams(schema, { size: 3 })).toEqual({ size: 3 });
  });

  it('names the field of the first issue under params', () => {
    expect(rejection({ size: 0 })).toMatchObject({
      field: 'params.size',
      message: 'size must be at least 1',
    });
    expect(rejection({ size: 1, nested: { name: 3 } })).toMatchObject({
      field: 'params.nested.name',
      message: 'name must be text',
    });
    expect(rejection('nope').field).toBe('params');
  });

  it('names an unknown key as the field', () => {
    expect(rejection({ size: 1, colour: 'red' }).field).toBe('params.colour');
  });

  it('uses a custom root', () => {
    expect(() => parseParams(schema, {}, 'shard.params')).toThrow(
      expect.objectContaining({ field: 'shard.params.size' }),
    );
  });
});
