import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hashsearchJobParamsSchema } from '../kernels/hashsearch/hashsearch-params';
import { matmulJobParamsSchema } from '../kernels/matmul/matmul-params';
import { kernels } from '../kernels/registry';
import { wgslJobParamsSchema } from '../kernels/wgsl/custom-wgsl-params';
import {
  describeKernelForm,
  FormValueError,
  type JsonSchemaNode,
  paramFields,
  paramsFromForm,
} from './kernel-forms';

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as JsonSchemaNode;

describe('describeKernelForm', () => {
  it('describes every registered kernel as plain JSON', () => {
    for (const kernel of Object.values(kernels)) {
      const form = describeKernelForm(kernel);
      expect(form.name).toBe(kernel.name);
      expect(form.inputNames).toEqual([...kernel.inputNames]);
      // It crosses the server/client boundary: it must survive JSON unchanged.
      expect(JSON.parse(JSON.stringify(form))).toEqual(form);
      // … and hold nothing JSON drops: React checks own properties, enumerable or not, in development.
      expect(Object.getOwnPropertyNames(form.paramsSchema)).toEqual(Object.keys(form.paramsSchema));
      expect(Object.getOwnPropertySymbols(form.paramsSchema)).toEqual([]);
      expect(paramFields(form.paramsSchema).length).toBeGreaterThan(0);
    }
  });

  it('gives matmul demo shapes in terms of its params and a quorum of 1', () => {
    const form = describeKernelForm(kernels.matmul!);
    expect(form.demoInputShapes).toEqual({ a: ['m', 'k'], b: ['k', 'n'] });
    expect(form.defaultReplicationMin).toBe(1);
    expect(form.exampleCode).toBeNull();
  });

  it('starts the custom-shader kernel from its own example code', () => {
    const wgsl = Object.values(kernels).find((k) =>
      paramFields(describeKernelForm(k).paramsSchema).some((f) => f.kind === 'code'),
    );
    expect(wgsl).toBeDefined();
    const form = describeKernelForm(wgsl!);
    expect(form.exampleCode).toBe(wgsl!.wgsl);
    expect(form.exampleCode).toContain('@compute');
    expect(form.optionalInputNames).toEqual([...(wgsl!.optionalInputNames ?? [])]);
  });
});

describe('paramFields', () => {
  it('turns matmul params into bounded integer fields, required ones marked', () => {
    const fields = paramFields(schemaOf(matmulJobParamsSchema));
    expect(fields.map((f) => f.name)).toEqual(['m', 'n', 'k', 'tileRows', 'tileCols']);
    expect(fields[0]).toMatchObject({ kind: 'integer', name: 'm', required: true, min: 1, max: 16384 });
    expect(fields[3]).toMatchObject({ kind: 'integer', name: 'tileRows', required: false });
  });

  it('flattens a string-or-integer union to a string field (any u64 fits)', () => {
    const fields = paramFields(schemaOf(hashsearchJobParamsSchema));
    const nonceStart = fields.find((f) => f.name === 'nonceStart');
    expect(nonceStart).toMatchObject({ kind: 'string', pattern: '^\\d{1,20}$' });
    expect(fields.find((f) => f.name === 'prefix')).toMatchObject({ kind: 'string', maxLength: 256 });
  });

  it('reads enums, booleans, titles, descriptions, defaults and code fields', () => {
    const schema = z.object({
      mode: z.enum(['exact', 'tolerance']).default('exact'),
      flip: z.boolean().optional(),
      code: z.string().min(1),
      scale: z.number().min(0).meta({ title: 'Scale factor', description: 'multiplies every value' }),
      nested: z.object({ x: z.number() }),
    });
    const fields = paramFields(schemaOf(schema));
    expect(fields[0]).toMatchObject({ kind: 'enum', options: ['exact', 'tolerance'], defaultValue: 'exact' });
    expect(fields[1]).toMatchObject({ kind: 'boolean', required: false });
    expect(fields[2]).toMatchObject({ kind: 'code', required: true, minLength: 1 });
    expect(fields[3]).toMatchObject({
      kind: 'number',
      label: 'Scale factor',
      description: 'multiplies every value',
    });
    expect(fields[4]).toMatchObject({ kind: 'json', name: 'nested' });
  });

  it('makes workgroups a tuple, keeps a union with an object as JSON, and marks exclusive bounds', () => {
    const fields = paramFields(schemaOf(wgslJobParamsSchema));
    expect(fields.find((f) => f.name === 'code')).toMatchObject({ kind: 'code', required: true });
    expect(fields.find((f) => f.name === 'workgroups')).toMatchObject({
      kind: 'tuple',
      items: [
        { kind: 'integer', min: 1, max: 65535 },
        { kind: 'integer', min: 1, max: 65535 },
        { kind: 'integer', min: 1, max: 65535 },
      ],
    });
    expect(fields.find((f) => f.name === 'shards')).toMatchObject({ kind: 'integer', defaultValue: 1 });
    expect(fields.find((f) => f.name === 'comparison')).toMatchObject({
      kind: 'json',
      defaultValue: 'exact',
    });
    expect(paramFields(schemaOf(z.object({ v: z.number().gt(0).max(1) })))[0]).toMatchObject({
      kind: 'number',
      min: 0,
      minExclusive: true,
      max: 1,
    });
  });

  it('falls back to one JSON field when the schema has no properties', () => {
    expect(paramFields({ type: 'object' })).toEqual([
      { kind: 'json', name: 'params', label: 'params (JSON)', required: true },
    ]);
  });
});

describe('paramsFromForm', () => {
  const fields = paramFields(schemaOf(matmulJobParamsSchema));

  it('sends numbers as numbers and leaves empty optional fields out', () => {
    expect(paramsFromForm(fields, { m: '4', n: '3', k: '2', tileRows: '', tileCols: ' ' })).toEqual({
      m: 4,
      n: 3,
      k: 2,
    });
  });

  it('passes a value the server must reject through unchanged, so its message names it', () => {
    expect(paramsFromForm(fields, { m: '0', n: 'abc', k: '2' })).toEqual({ m: 0, n: 'abc', k: 2 });
    // An empty required field is omitted: the server answers "m … is required" for params.m.
    expect(paramsFromForm(fields, { n: '1', k: '1' })).toEqual({ n: 1, k: 1 });
  });

  it('reads tuples as number arrays and sends a bare word in a JSON field as a string', () => {
    const wgsl = paramFields(schemaOf(wgslJobParamsSchema));
    const values = { code: 'fn main() {}', workgroups: '[4, 2,1]', outputBytes: '16', comparison: 'exact' };
    expect(paramsFromForm(wgsl, values)).toEqual({
      code: 'fn main() {}',
      workgroups: [4, 2, 1],
      outputBytes: 16,
      comparison: 'exact',
    });
    expect(
      paramsFromForm(wgsl, { ...values, workgroups: '4 x', comparison: '{"tolerance": 1e-5}' }),
    ).toMatchObject({
      workgroups: [4, 'x'],
      comparison: { tolerance: 1e-5 },
    });
  });

  it('parses a whole-params JSON field and rejects text that is not a JSON object', () => {
    const jsonFields = paramFields({ type: 'object' });
    expect(paramsFromForm(jsonFields, { params: '{"a": 1}' })).toEqual({ a: 1 });
    expect(() => paramsFromForm(jsonFields, { params: '{' })).toThrow(FormValueError);
    expect(() => paramsFromForm(jsonFields, { params: '[1]' })).toThrow('params must be a JSON object');
  });
});
