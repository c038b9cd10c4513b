import { z } from 'zod';
import { boundedInteger } from '../bounded-integer';

/** Outer dimensions m and n; with the element caps below, a default split stays ≤ 4096 shards. */
export const MATMUL_MAX_OUTER = 16_384;
/**
 * The inner dimension k: every shard carries a full k-deep slab of A and B, (rows + cols)·k·4
 * bytes, so k bounds a shard's download (2 MiB at the default 64×64 tile, 32 MiB at 1024×1024).
 */
export const MATMUL_MAX_K = 4096;
/** Elements per matrix (A, B and C): 2^24 float32 = 64 MiB, the most one upload or result may be. */
export const MATMUL_MAX_ELEMENTS = 2 ** 24;
export const MATMUL_MAX_TILE = 1024;
/** Shards per job: explicit tiny tiles must not flood the shard table. */
export const MATMUL_MAX_SHARDS = 65_536;
/**
 * Default tile edge. 64 is a multiple of every WGSL workgroup tile we use (8, 16, 32); at the
 * largest k a 64×64 shard is 34 MFLOP and 2 MiB of input, so a CPU-fallback volunteer finishes
 * it in well under a second while a GPU is not starved of work, and the largest job stays at
 * 4096 shards. A matrix smaller than the tile gets one tile its own size.
 */
export const MATMUL_DEFAULT_TILE = 64;

const dims = {
  m: boundedInteger('m (rows of A and C)', 1, MATMUL_MAX_OUTER),
  n: boundedInteger('n (columns of B and C)', 1, MATMUL_MAX_OUTER),
  k: boundedInteger(
    'k (columns of A, rows of B)',
    1,
    MATMUL_MAX_K,
    ': split the product along k and add the results',
  ),
};

function checkElements(m: number, n: number, k: number, ctx: z.RefinementCtx): void {
  for (const [matrix, count, path] of [
    ['A (m×k)', m * k, 'm'],
    ['B (k×n)', k * n, 'n'],
    ['C (m×n)', m * n, 'm'],
  ] as const) {
    if (count > MATMUL_MAX_ELEMENTS) {
      ctx.addIssue({
        code: 'custom',
        path: [path],
        message: `${matrix} would have ${count} elements; at most ${MATMUL_MAX_ELEMENTS} (64 MiB of float32) are allowed`,
      });
    }
  }
}

/** Job params: C = A·B with A m×k and B k×n; optional tile size of C per shard. */
export const matmulJobParamsSchema = z
  .strictObject(
    {
      ...dims,
      tileRows: boundedInteger('tileRows', 1, MATMUL_MAX_TILE).optional(),
      tileCols: boundedInteger('tileCols', 1, MATMUL_MAX_TILE).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: matmul takes m, n, k, tileRows, tileCols`
          : 'params must be an object {m, n, k, tileRows?, tileCols?}',
    },
  )
  .superRefine((params, ctx) => {
    checkElements(params.m, params.n, params.k, ctx);
    const { tileRows, tileCols } = matmulTileSize(params);
    const shards = Math.ceil(params.m / tileRows) * Math.ceil(params.n / tileCols);
    if (shards > MATMUL_MAX_SHARDS) {
      ctx.addIssue({
        code: 'custom',
        path: [params.tileRows === undefined ? 'tileCols' : 'tileRows'],
        message: `tiles of ${tileRows}×${tileCols} make ${shards} shards; at most ${MATMUL_MAX_SHARDS} are allowed: use larger tileRows/tileCols`,
      });
    }
  });

export type MatmulJobParams = z.infer<typeof matmulJobParamsSchema>;

/** The tile of C each shard computes: the requested size, else the default, never beyond C. */
export function matmulTileSize(params: Pick<MatmulJobParams, 'm' | 'n' | 'tileRows' | 'tileCols'>): {
  tileRows: number;
  tileCols: number;
} {
  return {
    tileRows: Math.min(params.tileRows ?? MATMUL_DEFAULT_TILE, params.m),
    tileCols: Math.min(params.tileCols ?? MATMUL_DEFAULT_TILE, params.n),
  };
}

/** Shard params: the block C[row0 : row0+rows, col0 : col0+cols] of an m×n×k product. */
export const matmulShardParamsSchema = z
  .strictObject({
    ...dims,
    row0: boundedInteger('row0', 0, MATMUL_MAX_OUTER - 1),
    rows: boundedInteger('rows', 1, MATMUL_MAX_TILE),
    col0: boundedInteger('col0', 0, MATMUL_MAX_OUTER - 1),
    cols: boundedInteger('cols', 1, MATMUL_MAX_TILE),
  })
  .superRefine((params, ctx) => {
    checkElements(params.m, params.n, params.k, ctx);
    if (params.row0 + params.rows > params.m) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'row0 + rows must not exceed m' });
    }
    if (params.col0 + params.cols > params.n) {
      ctx.addIssue({ code: 'custom', path: ['cols'], message: 'col0 + cols must not exceed n' });
    }
  });

export type MatmulShardParams = z.infer<typeof matmulShardParamsSchema>;
