import { f32FromLe, f32ToLe } from '../f32-le';
import { type Kernel, KernelInputError, type NamedBytes, type ShardSpec } from '../kernel';
import { type NpyMatrix, parseNpy, writeNpy } from '../npy';
import { parseParams } from '../parse-params';
import { opsToWorkUnits } from '../work-units';
import { freivaldsCheck } from './freivalds';
import { readMatmulBlock } from './matmul-block';
import { matmulResultsAgree } from './matmul-compare';
import { MATMUL_VARIANTS, matmulDispatch } from './matmul-gpu';
import {
  type MatmulJobParams,
  type MatmulShardParams,
  matmulJobParamsSchema,
  matmulShardParamsSchema,
  matmulTileSize,
} from './matmul-params';

/** Largest |A|·|B| entry we accept, with headroom so no honest f32 partial sum overflows. */
const MAX_ABS_PRODUCT = 3.4028234663852886e38 / 2;

function readInput(
  inputs: NamedBytes,
  name: 'a' | 'b',
  rows: number,
  cols: number,
  shape: string,
): NpyMatrix {
  const field = `inputs.${name}`;
  const bytes = inputs[name];
  if (bytes === undefined) {
    throw new KernelInputError(
      field,
      `input ${name} is missing: upload ${name.toUpperCase()} (${shape}) as .npy <f4`,
    );
  }
  const matrix = parseNpy(bytes, field);
  const [foundRows, foundCols] = matrix.shape;
  if (foundRows !== rows || foundCols !== cols) {
    throw new KernelInputError(
      field,
      `${name.toUpperCase()} must be ${shape} = ${rows}×${cols} from params, but the file is ${foundRows}×${foundCols}: fix the file or params`,
    );
  }
  return matrix;
}

/**
 * Rejects operands whose product could overflow float32, where honest workers would return
 * infinities that no check can accept. Uses max (|A||B|)ᵢⱼ ≤ maxᵢ ‖Aᵢ‖₁ · max|B| (and the
 * transposed bound), which is only loose within a factor of k.
 */
function checkProductRange(a: NpyMatrix, b: NpyMatrix, m: number, n: number, k: number): void {
  let maxRowSumA = 0;
  let maxAbsA = 0;
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let l = i * k; l < (i + 1) * k; l++) {
      const value = Math.abs(a.data[l]!);
      sum += value;
      if (value > maxAbsA) maxAbsA = value;
    }
    if (sum > maxRowSumA) maxRowSumA = sum;
  }
  const colSumB = new Float64Array(n);
  let maxAbsB = 0;
  for (let l = 0; l < k; l++) {
    for (let j = 0; j < n; j++) {
      const value = Math.abs(b.data[l * n + j]!);
      colSumB[j] = colSumB[j]! + value;
      if (value > maxAbsB) maxAbsB = value;
    }
  }
  let maxColSumB = 0;
  for (const sum of colSumB) if (sum > maxColSumB) maxColSumB = sum;
  const bound = Math.min(maxRowSumA * maxAbsB, maxAbsA * maxColSumB);
  if (bound > MAX_ABS_PRODUCT) {
    throw new KernelInputError(
      'inputs',
      `A·B could reach ${bound.toPrecision(3)}, beyond float32 range (±3.4e38): scale A or B down`,
    );
  }
}

/**
 * C = A·B in float32, split into tiles of C. Each shard is self-verifying: the server checks one
 * result with Freivalds' algorithm in O(n²), so one honest replica suffices.
 */
export const matmul: Kernel<MatmulJobParams, MatmulShardParams> = {
  name: 'matmul',
  example: { params: { m: 64, n: 64, k: 64, tileRows: 32, tileCols: 32 } },
  description: 'Matrix product C = A·B in float32; A (m×k) and B (k×n) as .npy <f4, C returned as .npy',
  paramsSchema: matmulJobParamsSchema,
  shardParamsSchema: matmulShardParamsSchema,
  inputNames: ['a', 'b'],
  shardInputNames: ['a', 'b'],
  requiresWebGPU: false,

  split(job) {
    const params = parseParams(matmulJobParamsSchema, job.params);
    const { m, n, k } = params;
    for (const name of Object.keys(job.inputs)) {
      if (name !== 'a' && name !== 'b') {
        throw new KernelInputError(
          `inputs.${name}`,
          `unexpected input ${name}: matmul takes a (m×k) and b (k×n)`,
        );
      }
    }
    const a = readInput(job.inputs, 'a', m, k, 'm×k');
    const b = readInput(job.inputs, 'b', k, n, 'k×n');
    checkProductRange(a, b, m, n, k);

    const { tileRows, tileCols } = matmulTileSize(params);
    // Every shard in a tile row shares one A block (and every shard in a tile column one B
    // block): the same bytes, stored once as a content-addressed blob.
    const rowBlocks: { row0: number; rows: number; bytes: Uint8Array }[] = [];
    for (let row0 = 0; row0 < m; row0 += tileRows) {
      const rows = Math.min(tileRows, m - row0);
      rowBlocks.push({ row0, rows, bytes: f32ToLe(a.data.subarray(row0 * k, (row0 + rows) * k)) });
    }
    const colBlocks: { col0: number; cols: number; bytes: Uint8Array }[] = [];
    for (let col0 = 0; col0 < n; col0 += tileCols) {
      const cols = Math.min(tileCols, n - col0);
      const block = new Float32Array(k * cols);
      for (let l = 0; l < k; l++) block.set(b.data.subarray(l * n + col0, l * n + col0 + cols), l * cols);
      colBlocks.push({ col0, cols, bytes: f32ToLe(block) });
    }
    const shards: ShardSpec<MatmulShardParams>[] = [];
    for (const { row0, rows, bytes: aBlock } of rowBlocks) {
      for (const { col0, cols, bytes: bBlock } of colBlocks) {
        shards.push({ params: { m, n, k, row0, rows, col0, cols }, inputs: { a: aBlock, b: bBlock } });
      }
    }
    return shards;
  },

  resultSize: (params) => ({ exact: params.rows * params.cols * 4 }),

  reference(shard) {
    const { rows, cols, k, a, b } = readMatmulBlock(shard);
    // i-k-j order streams rows of B; each += rounds the partial sum to f32, as a GPU's f32 FMA does.
    const c = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let l = 0; l < k; l++) {
        const ail = a[i * k + l]!;
        const bRow = l * cols;
        const cRow = i * cols;
        for (let j = 0; j < cols; j++) c[cRow + j] = c[cRow + j]! + ail * b[bRow + j]!;
      }
    }
    return f32ToLe(c);
  },

  verify: {
    selfVerifying: true,
    check(shard, result) {
      const { rows, cols } = shard.params;
      if (result.length !== rows * cols * 4) {
        return {
          status: 'invalid',
          reason: `result is ${result.length} bytes; ${rows}×${cols} f32 needs ${rows * cols * 4}`,
        };
      }
      return freivaldsCheck(readMatmulBlock(shard), f32FromLe(result));
    },
    compare(shard, x, y) {
      if (x.length !== y.length || x.length % 4 !== 0) return false;
      return matmulResultsAgree(readMatmulBlock(shard), f32FromLe(x), f32FromLe(y));
    },
  },

  assemble(job, results) {
    const { m, n } = job.params;
    const c = new Float32Array(m * n);
    const covered = new Uint8Array(m * n);
    for (const { params, result } of results) {
      const { row0, rows, col0, cols } = params;
      if (result.length !== rows * cols * 4) {
        throw new RangeError(`shard at (${row0}, ${col0}) has a wrong-size result`);
      }
      const block = f32FromLe(result);
      for (let i = 0; i < rows; i++) {
        const offset = (row0 + i) * n + col0;
        c.set(block.subarray(i * cols, (i + 1) * cols), offset);
        for (let j = offset; j < offset + cols; j++) covered[j] = covered[j]! + 1;
      }
    }
    const gap = covered.findIndex((count) => count !== 1);
    if (gap !== -1) {
      throw new RangeError(
        `shard results do not cover C exactly once: element [${Math.floor(gap / n)}, ${gap % n}]`,
      );
    }
    return { bytes: writeNpy(m, n, c), contentType: 'application/octet-stream', filename: 'c.npy' };
  },

  /** 2·rows·cols·k floating-point operations (one multiply and one add per term), in MFLOP. */
  workUnits: (params) => opsToWorkUnits(2 * params.rows * params.cols * params.k),

  /** The register-blocked shader; `dispatch` may pick the tiled variant for the adapter instead. */
  wgsl: MATMUL_VARIANTS.register.code,
  dispatch: (shard, adapter) => matmulDispatch(shard, adapter),
};
