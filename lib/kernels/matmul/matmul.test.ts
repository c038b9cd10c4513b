import { describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from '../f32-le';
import { type JobSpec, KernelInputError, type ShardSpec } from '../kernel';
import { parseNpy, writeNpy } from '../npy';
import { createPrng } from '../prng';
import { matmul } from './matmul';
import type { MatmulJobParams, MatmulShardParams } from './matmul-params';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const next = createPrng([rows, cols, seed, 1]);
  return Float32Array.from({ length: rows * cols }, () => 2 * (next() / 2 ** 32) - 1);
}

function job(m: number, n: number, k: number, tiles: Partial<MatmulJobParams> = {}) {
  const a = randomMatrix(m, k, 1);
  const b = randomMatrix(k, n, 2);
  const spec: JobSpec<MatmulJobParams> = {
    params: { m, n, k, ...tiles },
    inputs: { a: writeNpy(m, k, a), b: writeNpy(k, n, b) },
  };
  return { a, b, spec };
}

/** C = A·B accumulated in f64: the ground truth the f32 results must approach. */
function directProduct(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += a[i * k + l]! * b[l * n + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** rows × cols × k: primes, vectors, smaller than a tile, not a multiple of the tile, explicit tiles. */
const SPLIT_CASES: [number, number, number, Partial<MatmulJobParams>][] = [
  [1, 1, 1, {}],
  [7, 13, 5, {}],
  [1, 200, 3, {}],
  [200, 1, 3, {}],
  [63, 65, 2, {}],
  [130, 70, 9, {}],
  [10, 10, 3, { tileRows: 3, tileCols: 4 }],
  [7, 13, 5, { tileRows: 1, tileCols: 13 }],
  [7, 13, 5, { tileRows: 1024, tileCols: 2 }],
];

describe('matmul.split', () => {
  it.each(SPLIT_CASES)(
    'covers every element of a %i×%i (k = %i) C exactly once, tiles %o',
    (m, n, k, tiles) => {
      const { a, b, spec } = job(m, n, k, tiles);
      const shards = matmul.split(spec);
      const covered = new Uint8Array(m * n);
      for (const { params, inputs } of shards) {
        expect(matmul.shardParamsSchema.parse(params)).toEqual(params);
        expect(params).toMatchObject({ m, n, k });
        expect(params.rows).toBeLessThanOrEqual(tiles.tileRows ?? 64);
        expect(params.cols).toBeLessThanOrEqual(tiles.tileCols ?? 64);
        for (let i = params.row0; i < params.row0 + params.rows; i++) {
          for (let j = params.col0; j < params.col0 + params.cols; j++) covered[i * n + j]!++;
        }
        expect(f32FromLe(inputs.a!)).toEqual(a.slice(params.row0 * k, (params.row0 + params.rows) * k));
        const bBlock = f32FromLe(inputs.b!);
        expect(bBlock).toHaveLength(k * params.cols);
        for (let l = 0; l < k; l++) {
          expect(bBlock.subarray(l * params.cols, (l + 1) * params.cols)).toEqual(
            b.slice(l * n + params.col0, l * n + params.col0 + params.cols),
          );
        }
      }
      expect(covered.every((count) => count === 1)).toBe(true);
    },
  );

  it('uses 64×64 tiles by default, shrunk to small matrices', () => {
    expect(matmul.split(job(130, 70, 2).spec)).toHaveLength(3 * 2);
    expect(matmul.split(job(5, 9, 2).spec).map((s) => s.params)).toEqual([
      { m: 5, n: 9, k: 2, row0: 0, rows: 5, col0: 0, cols: 9 },
    ]);
  });

  it('shares one A block per tile row and one B block per tile column', () => {
    const shards = matmul.split(job(20, 20, 4, { tileRows: 10, tileCols: 10 }).spec);
    expect(shards[0]!.inputs.a).toBe(shards[1]!.inputs.a);
    expect(shards[0]!.inputs.b).toBe(shards[2]!.inputs.b);
  });
});

/** A version 1.0 `.npy` with a hand-written header, for dtypes and shapes `writeNpy` never produces. */
function npy(dict: string, dataBytes: number): Uint8Array {
  const header = `${dict}\n`;
  const bytes = new Uint8Array(10 + header.length + dataBytes);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
  bytes.set(
    Uint8Array.from(header, (char) => char.charCodeAt(0)),
    10,
  );
  return bytes;
}

function inputError(spec: JobSpec<unknown>): KernelInputError {
  try {
    matmul.split(spec as JobSpec<MatmulJobParams>);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('split accepted an invalid job');
}

describe('matmul.split rejects bad jobs with the field to fix', () => {
  const { spec } = job(3, 4, 5);

  it.each([
    ['negative', { m: -3 }, 'params.m', /at least 1/],
    ['zero', { n: 0 }, 'params.n', /at least 1/],
    ['non-integer', { k: 2.5 }, 'params.k', /whole number, got 2\.5/],
    ['a string', { m: '3' }, 'params.m', /whole number, got "3"/],
    ['missing', { m: undefined }, 'params.m', /required/],
    ['huge k', { k: 5000 }, 'params.k', /at most 4096/],
    ['huge m', { m: 20_000 }, 'params.m', /at most 16384/],
    [
      'too many elements',
      { m: 8192, k: 4096 },
      'params.m',
      /A \(m×k\) would have 33554432 elements; at most 16777216/,
    ],
    ['zero tile', { tileRows: 0 }, 'params.tileRows', /at least 1/],
    ['huge tile', { tileCols: 2048 }, 'params.tileCols', /at most 1024/],
    ['unknown key', { tile_rows: 2 }, 'params.tile_rows', /unknown parameter "tile_rows".*tileRows/],
  ])('%s', (_name, change, field, message) => {
    const error = inputError({ ...spec, params: { ...spec.params, ...change } });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('too many shards', () => {
    const error = inputError({ params: { m: 4096, n: 4096, k: 1, tileRows: 4, tileCols: 4 }, inputs: {} });
    expect(error).toMatchObject({
      field: 'params.tileRows',
      message: expect.stringMatching(/1048576 shards.*larger/),
    });
  });

  it('params that are not an object', () => {
    expect(inputError({ params: null, inputs: spec.inputs })).toMatchObject({ field: 'params' });
  });

  it('a missing input', () => {
    expect(inputError({ params: spec.params, inputs: { a: spec.inputs.a! } })).toMatchObject({
      field: 'inputs.b',
      message: expect.stringMatching(/missing.*k×n/),
    });
  });

  it('an unexpected input', () => {
    expect(inputError({ params: spec.params, inputs: { ...spec.inputs, c: new Uint8Array(1) } }).field).toBe(
      'inputs.c',
    );
  });

  it('bytes that are not .npy', () => {
    const error = inputError({
      params: spec.params,
      inputs: { ...spec.inputs, a: new TextEncoder().encode('1,2,3') },
    });
    expect(error).toMatchObject({ field: 'inputs.a', message: expect.stringMatching(/not a \.npy file/) });
  });

  it('the wrong dtype', () => {
    const f8 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 5), }", 15 * 8);
    const error = inputError({ params: spec.params, inputs: { ...spec.inputs, a: f8 } });
    expect(error).toMatchObject({
      field: 'inputs.a',
      message: expect.stringMatching(/'<f8' \(float64\).*'<f4'/),
    });
  });

  it('mismatched shapes, naming expected and found', () => {
    const wrongA = inputError({
      params: spec.params,
      inputs: { ...spec.inputs, a: writeNpy(3, 4, new Float32Array(12)) },
    });
    expect(wrongA).toMatchObject({
      field: 'inputs.a',
      message: expect.stringMatching(/m×k = 3×5.*file is 3×4/),
    });
    const wrongB = inputError({
      params: spec.params,
      inputs: { ...spec.inputs, b: writeNpy(4, 5, new Float32Array(20)) },
    });
    expect(wrongB).toMatchObject({
      field: 'inputs.b',
      message: expect.stringMatching(/k×n = 5×4.*file is 4×5/),
    });
  });

  it('a 1-D array', () => {
    const oneD = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (15,), }", 15 * 4);
    expect(inputError({ params: spec.params, inputs: { ...spec.inputs, a: oneD } }).message).toMatch(/1-D/);
  });

  it('values whose product would overflow float32', () => {
    const a = new Float32Array(15).fill(1e30);
    const b = new Float32Array(20).fill(1e30);
    const error = inputError({ params: spec.params, inputs: { a: writeNpy(3, 5, a), b: writeNpy(5, 4, b) } });
    expect(error).toMatchObject({
      field: 'inputs',
      message: expect.stringMatching(/overflow|float32 range/),
    });
  });
});

describe('matmul shards', () => {
  const { a, b, spec } = job(7, 13, 5, { tileRows: 3, tileCols: 4 });
  const shards = matmul.split(spec);
  const c = directProduct(a, b, 7, 13, 5);

  it('computes the reference close to the exact product, with the exact result size', () => {
    for (const shard of shards) {
      const { row0, rows, col0, cols } = shard.params;
      const result = matmul.reference(shard);
      expect(matmul.resultSize(shard.params)).toEqual({ exact: result.length });
      const block = f32FromLe(result);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++)
          expect(block[i * cols + j]).toBeCloseTo(c[(row0 + i) * 13 + col0 + j]!, 5);
      }
    }
  });

  it('checks an honest result as valid on its own, and a perturbed one as invalid', async () => {
    expect(matmul.verify.selfVerifying).toBe(true);
    for (const shard of shards) {
      const result = matmul.reference(shard);
      expect(matmul.verify.check(shard, result)).toEqual({ status: 'valid' });
      const wrong = f32FromLe(result);
      wrong[wrong.length - 1] = wrong[wrong.length - 1]! + 1;
      expect((await matmul.verify.check(shard, f32ToLe(wrong))).status).toBe('invalid');
    }
  });

  it('checks a deep shard computed in another order (blocked, like a GPU) as valid, many times', async () => {
    const deep = job(16, 16, 300);
    const [shard] = matmul.split(deep.spec) as [ShardSpec<MatmulShardParams>];
    const blocked = new Float32Array(256);
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        const partial = new Float32Array(8);
        for (let l = 0; l < 300; l++)
          partial[l % 8] = partial[l % 8]! + deep.a[i * 300 + l]! * deep.b[l * 16 + j]!;
        blocked[i * 16 + j] = partial.reduce((sum, p) => Math.fround(sum + p), 0);
      }
    }
    for (let run = 0; run < 50; run++)
      expect((await matmul.verify.check(shard, f32ToLe(blocked))).status).toBe('valid');
    expect(matmul.verify.compare(shard, f32ToLe(blocked), matmul.reference(shard))).toBe(true);
  });

  it('rejects the cheapest lies alone: empty, all zeros, half the rows, compensating errors', async () => {
    const lieJob = job(24, 20, 64);
    const [shard] = matmul.split(lieJob.spec) as [ShardSpec<MatmulShardParams>];
    const honest = f32FromLe(matmul.reference(shard));
    const { rows, cols } = shard.params;
    const halfRows = honest.slice();
    halfRows.fill(0, (rows / 2) * cols);
    const compensating = honest.slice();
    compensating[3 * cols + 1] = compensating[3 * cols + 1]! + 1000;
    compensating[3 * cols + 17] = compensating[3 * cols + 17]! - 1000;
    const lies: [string, Uint8Array][] = [
      ['empty', new Uint8Array()],
      ['all zeros', new Uint8Array(rows * cols * 4)],
      ['half the rows computed', f32ToLe(halfRows)],
      ['+1000 and −1000 in one row', f32ToLe(compensating)],
      [
        'the honest result transposed',
        f32ToLe(honest.map((_, i) => honest[(i % rows) * cols + Math.floor(i / rows)]!)),
      ],
    ];
    for (const [name, lie] of lies) {
      for (let run = 0; run < 20; run++) {
        expect((await matmul.verify.check(shard, lie)).status, `${name}, run ${run}`).toBe('invalid');
      }
    }
  });

  it('rejects a NaN, and a result of the wrong size', async () => {
    const shard = shards[shards.length - 1]!;
    const wrong = f32FromLe(matmul.reference(shard));
    wrong[0] = Number.NaN;
    expect((await matmul.verify.check(shard, f32ToLe(wrong))).status).toBe('invalid');
    expect((await matmul.verify.check(shard, new Uint8Array(4))).status).toBe('invalid');
  });

  it('compares results element-wise within the f32 tolerance', () => {
    const shard = shards[0]!;
    const result = matmul.reference(shard);
    expect(matmul.verify.compare(shard, result, result.slice())).toBe(true);
    const wrong = f32FromLe(result);
    wrong[1] = wrong[1]! + 0.01;
    expect(matmul.verify.compare(shard, result, f32ToLe(wrong))).toBe(false);
    expect(matmul.verify.compare(shard, result, result.subarray(4))).toBe(false);
  });

  it('assembles C as .npy equal to the direct product, whatever order the results arrive in', () => {
    const results = shards
      .map((shard) => ({ params: shard.params, result: matmul.reference(shard) }))
      .reverse();
    const output = matmul.assemble({ params: spec.params }, results);
    expect(output).toMatchObject({ contentType: 'application/octet-stream', filename: 'c.npy' });
    const assembled = parseNpy(output.bytes, 'c');
    expect(assembled.shape).toEqual([7, 13]);
    assembled.data.forEach((value, i) => {
      expect(value).toBeCloseTo(c[i]!, 5);
    });
  });

  it('refuses to assemble from results that do not cover C', () => {
    const results = shards
      .slice(1)
      .map((shard) => ({ params: shard.params, result: matmul.reference(shard) }));
    expect(() => matmul.assemble({ params: spec.params }, results)).toThrow(/cover C exactly once/);
    const twice = [...results, results[0]!];
    expect(() => matmul.assemble({ params: spec.params }, twice)).toThrow(/cover C exactly once/);
  });

  it('credits 2·rows·cols·k FLOPs in MFLOP, more than zero for the smallest shard', () => {
    expect(matmul.workUnits({ m: 64, n: 64, k: 4096, row0: 0, rows: 64, col0: 0, cols: 64 })).toBeCloseTo(
      33.554432,
    );
    expect(matmul.workUnits({ m: 1, n: 1, k: 1, row0: 0, rows: 1, col0: 0, cols: 1 })).toBe(2e-6);
  });

  it('declares its inputs and runs without WebGPU', () => {
    expect(matmul.inputNames).toEqual(['a', 'b']);
    expect(matmul.requiresWebGPU).toBe(false);
  });
});
