import { describe, expect, it } from 'vitest';
import { hashsearchShard } from '@/lib/kernels/hashsearch/hashsearch-ringers';
import { parseRunRequest } from './parse-run-request';

const matmulParams = { m: 2, n: 2, k: 2, row0: 0, rows: 2, col0: 0, cols: 2 };
const inputs = { a: new Uint8Array(16), b: new Uint8Array(16) };

function failure(request: unknown): { name: string; message: string } {
  try {
    parseRunRequest(request);
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected parseRunRequest to throw');
}

describe('parseRunRequest', () => {
  it('returns the kernel and the parsed shard (params normalized by the schema)', () => {
    const { kernel, shard } = parseRunRequest({ kernel: 'matmul', params: matmulParams, inputs });
    expect(kernel.name).toBe('matmul');
    expect(shard.params).toEqual(matmulParams);
    expect(shard.inputs.a).toBe(inputs.a); // not copied
    const hs = parseRunRequest({
      kernel: 'hashsearch',
      params: {
        ...hashsearchShard({ prefix: 'abcd', difficulty: 3, nonceStart: '7', nonceCount: 10 }).params,
        prefix: 'ABCD',
      },
      inputs: {},
    });
    expect(hs.shard.params).toMatchObject({ prefix: 'abcd' });
  });

  it('accepts the inputs each kernel’s shards carry, which may differ from the job’s inputs', async () => {
    const { customWgsl } = await import('@/lib/kernels/wgsl/custom-wgsl');
    const [shard] = customWgsl.split({
      params: customWgsl.paramsSchema.parse({
        code: customWgsl.wgsl,
        workgroups: [1, 1, 1],
        outputBytes: 16,
      }),
      inputs: {},
    });
    const parsed = parseRunRequest({ kernel: 'wgsl', params: shard!.params, inputs: shard!.inputs });
    expect(Object.keys(parsed.shard.inputs).sort()).toEqual(['code', 'input']);
    expect(
      failure({ kernel: 'wgsl', params: shard!.params, inputs: { input: new Uint8Array(4) } }).message,
    ).toMatch(/missing code/);
  });

  it('refuses an unknown kernel, naming the ones there are', () => {
    expect(failure({ kernel: 'toString', params: {}, inputs: {} })).toEqual({
      name: 'InvalidShardError',
      message: expect.stringMatching(/unknown kernel "toString".*matmul.*hashsearch/),
    });
  });

  it('refuses params that fail the kernel’s shard schema, saying which field', () => {
    const error = failure({ kernel: 'matmul', params: { ...matmulParams, rows: 3 }, inputs });
    expect(error.name).toBe('InvalidShardError');
    expect(error.message).toMatch(/rows: row0 \+ rows must not exceed m/);
    expect(
      failure({
        kernel: 'hashsearch',
        params: {
          ...hashsearchShard({ prefix: '', difficulty: 1, nonceStart: '0', nonceCount: 1 }).params,
          prefix: 'zz',
        },
        inputs: {},
      }).message,
    ).toMatch(/prefix/);
  });

  it('refuses missing, unexpected or non-binary inputs', () => {
    expect(failure({ kernel: 'matmul', params: matmulParams, inputs: { a: inputs.a } }).message).toMatch(
      /missing b/,
    );
    expect(
      failure({ kernel: 'matmul', params: matmulParams, inputs: { ...inputs, c: inputs.a } }).message,
    ).toMatch(/unexpected c/);
    expect(
      failure({ kernel: 'matmul', params: matmulParams, inputs: { a: [1, 2], b: inputs.b } }).message,
    ).toMatch(/Uint8Array/);
    expect(failure(null).name).toBe('InvalidShardError');
  });
});
