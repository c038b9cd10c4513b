import { describe, expect, it } from 'vitest';
import example from '../../../shaders/custom-wgsl-example.wgsl';
import { type JobSpec, KernelInputError } from '../kernel';
import { customWgsl, NoCpuFallbackError, WGSL_OPS_PER_INVOCATION } from './custom-wgsl';
import type { WgslJobParams } from './custom-wgsl-params';

const params = { code: example, workgroups: [4, 2, 1], outputBytes: 1024 };

function split(change: Record<string, unknown> = {}, inputs: Record<string, Uint8Array> = {}) {
  return customWgsl.split({ params: { ...params, ...change } as WgslJobParams, inputs });
}

function inputError(spec: JobSpec<unknown>): KernelInputError {
  try {
    customWgsl.split(spec as JobSpec<WgslJobParams>);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('split accepted an invalid job');
}

describe('wgsl.split', () => {
  it('runs the dispatch once per shard, sharing one code and one padded input blob', () => {
    const input = Uint8Array.of(1, 2, 3, 4, 5);
    const shards = split({ shards: 3, comparison: { tolerance: 1e-4 } }, { input });
    expect(shards).toHaveLength(3);
    for (const [i, shard] of shards.entries()) {
      expect(customWgsl.shardParamsSchema.parse(shard.params)).toEqual(shard.params);
      expect(shard.params).toEqual({
        shardIndex: i,
        shardCount: 3,
        workgroups: [4, 2, 1],
        workgroupSize: [64, 1, 1],
        inputBytes: 5,
        outputBytes: 1024,
        comparison: { tolerance: 1e-4 },
      });
      expect(new TextDecoder().decode(shard.inputs.code)).toBe(example);
      expect(shard.inputs.input).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 0, 0, 0));
      expect(shard.inputs.code).toBe(shards[0]!.inputs.code);
      expect(shard.inputs.input).toBe(shards[0]!.inputs.input);
    }
  });

  it('defaults to one shard, exact comparison and an empty input', () => {
    const [shard, ...rest] = split();
    expect(rest).toHaveLength(0);
    expect(shard!.params).toMatchObject({ shardIndex: 0, shardCount: 1, inputBytes: 0, comparison: 'exact' });
    expect(shard!.inputs.input).toEqual(new Uint8Array(0));
  });
});

describe('wgsl.split rejects bad jobs with the field to fix', () => {
  it.each([
    [
      'a syntax error',
      { code: 'fn main( {' },
      'params.code',
      /WGSL does not parse: Expected argument name \(line 1\)/,
    ],
    [
      'wrong bindings',
      { code: example.replace('var<uniform> info', 'var<storage, read> info') },
      'params.code',
      /must be var<uniform>/,
    ],
    ['empty code', { code: '' }, 'params.code', /must not be empty/],
    ['code over 64 KiB', { code: `${example}//${'x'.repeat(65_536)}` }, 'params.code', /at most 65536 bytes/],
    ['code not a string', { code: 42 }, 'params.code', /WGSL source as a string/],
    ['two workgroup counts', { workgroups: [1, 1] }, 'params.workgroups', /\[x, y, z\]/],
    ['a zero workgroup count', { workgroups: [0, 1, 1] }, 'params.workgroups.0', /at least 1/],
    [
      '65536 workgroups in one dimension',
      { workgroups: [65_536, 1, 1] },
      'params.workgroups.0',
      /at most 65535/,
    ],
    ['over 2^20 workgroups', { workgroups: [1024, 1025, 1] }, 'params.workgroups', /at most 1048576/],
    ['outputBytes not a multiple of 4', { outputBytes: 10 }, 'params.outputBytes', /multiple of 4/],
    [
      'outputBytes over 16 MiB',
      { outputBytes: 16 * 1024 * 1024 + 4 },
      'params.outputBytes',
      /at most 16777216/,
    ],
    ['zero shards', { shards: 0 }, 'params.shards', /at least 1/],
    ['2000 shards', { shards: 2000 }, 'params.shards', /at most 1024/],
    [
      'over 64 MiB of output in all',
      { shards: 5, outputBytes: 16 * 1024 * 1024 },
      'params.outputBytes',
      /64 MiB/,
    ],
    ['an unknown comparison', { comparison: 'loose' }, 'params.comparison', /"exact" or \{"tolerance"/],
    ['a zero tolerance', { comparison: { tolerance: 0 } }, 'params.comparison.tolerance', /greater than 0/],
    ['an unknown parameter', { entryPoint: 'go' }, 'params.entryPoint', /unknown parameter "entryPoint"/],
  ])('%s', (_name, change, field, message) => {
    const error = inputError({ params: { ...params, ...change }, inputs: {} });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses inputs other than `input`', () => {
    expect(inputError({ params, inputs: { data: new Uint8Array(4) } }).field).toBe('inputs.data');
  });
});

describe('wgsl kernel', () => {
  const [shard] = split({ shards: 2 }, { input: new Uint8Array(16) });

  it('has no CPU fallback: WebGPU workers only', () => {
    expect(customWgsl.requiresWebGPU).toBe(true);
    expect(() => customWgsl.reference(shard!)).toThrow(NoCpuFallbackError);
    expect(() => customWgsl.reference(shard!)).toThrow(/no CPU fallback/);
  });

  it('checks only the size (plausible) and compares by the submitter’s rule', () => {
    expect(customWgsl.resultSize(shard!.params)).toEqual({ exact: 1024 });
    expect(customWgsl.verify.selfVerifying).toBe(false);
    expect(customWgsl.verify.check(shard!, new Uint8Array(1024))).toEqual({ status: 'plausible' });
    const a = new Uint8Array(1024).fill(1);
    const b = a.slice();
    expect(customWgsl.verify.compare(shard!, a, b)).toBe(true);
    b[10] = 2;
    expect(customWgsl.verify.compare(shard!, a, b)).toBe(false);
  });

  it('never finds a lie valid alone: empty, zeros and garbage need a quorum that agrees', async () => {
    for (const lie of [new Uint8Array(), new Uint8Array(1024), new Uint8Array(1024).fill(0xab)]) {
      expect((await customWgsl.verify.check(shard!, lie)).status).not.toBe('valid');
    }
    expect(customWgsl.verify.compare(shard!, new Uint8Array(1024), new Uint8Array(1024).fill(1))).toBe(false);
  });

  it('concatenates the outputs in shard order into output.bin', () => {
    const job = { params: customWgsl.paramsSchema.parse({ ...params, shards: 3, outputBytes: 8 }) };
    const shards = customWgsl.split({ params: job.params, inputs: {} });
    const results = shards.map((s) => ({
      params: s.params,
      result: new Uint8Array(8).fill(s.params.shardIndex + 1),
    }));
    const output = customWgsl.assemble(job, results);
    expect(output).toMatchObject({ contentType: 'application/octet-stream', filename: 'output.bin' });
    expect(Array.from(output.bytes)).toEqual([...Array(8).fill(1), ...Array(8).fill(2), ...Array(8).fill(3)]);
    expect(() => customWgsl.assemble(job, [results[1]!, results[0]!, results[2]!])).toThrow(RangeError);
    expect(() => customWgsl.assemble(job, results.slice(1))).toThrow(RangeError);
  });

  it(`pays ${WGSL_OPS_PER_INVOCATION} operations per invocation`, () => {
    // 4 × 2 × 1 workgroups of 64 invocations.
    expect(customWgsl.workUnits(shard!.params)).toBe((8 * 64 * WGSL_OPS_PER_INVOCATION) / 1e6);
  });

  it('ships the ABI example as its wgsl, and it passes its own validation', () => {
    expect(customWgsl.wgsl).toBe(example);
    expect(customWgsl.paramsSchema.safeParse({ ...params, code: customWgsl.wgsl }).success).toBe(true);
  });
});
