import { describe, expect, it } from 'vitest';
import { matmulJobParamsSchema, matmulShardParamsSchema, matmulTileSize } from './matmul-params';

describe('matmulJobParamsSchema', () => {
  it('accepts the limits and parses its own output again unchanged', () => {
    for (const params of [
      { m: 1, n: 1, k: 1 },
      { m: 4096, n: 4096, k: 4096, tileRows: 1024, tileCols: 1024 },
      { m: 16_384, n: 1024, k: 1024 },
    ]) {
      const parsed = matmulJobParamsSchema.parse(params);
      expect(parsed).toEqual(params);
      expect(matmulJobParamsSchema.parse(parsed)).toEqual(parsed);
    }
  });

  it('caps every matrix at 2^24 elements', () => {
    const issues = (params: object) => matmulJobParamsSchema.safeParse(params).error?.issues ?? [];
    expect(issues({ m: 16_384, n: 16_384, k: 1 })).toEqual([
      expect.objectContaining({ path: ['m'], message: expect.stringContaining('C (m×n)') }),
    ]);
    expect(issues({ m: 1, n: 16_384, k: 2048 })[0]).toMatchObject({
      path: ['n'],
      message: expect.stringContaining('B (k×n)'),
    });
  });

  it('names the tile parameter that makes too many shards', () => {
    const result = matmulJobParamsSchema.safeParse({ m: 4096, n: 4096, k: 1, tileCols: 2 });
    expect(result.error?.issues[0]).toMatchObject({ path: ['tileCols'] });
  });
});

describe('matmulTileSize', () => {
  it('defaults to 64×64 and never exceeds C', () => {
    expect(matmulTileSize({ m: 1000, n: 1000 })).toEqual({ tileRows: 64, tileCols: 64 });
    expect(matmulTileSize({ m: 5, n: 1000 })).toEqual({ tileRows: 5, tileCols: 64 });
    expect(matmulTileSize({ m: 1000, n: 1000, tileRows: 8, tileCols: 2000 })).toEqual({
      tileRows: 8,
      tileCols: 1000,
    });
  });
});

describe('matmulShardParamsSchema', () => {
  const shard = { m: 10, n: 20, k: 3, row0: 8, rows: 2, col0: 0, cols: 20 };

  it('accepts a block inside C', () => {
    expect(matmulShardParamsSchema.parse(shard)).toEqual(shard);
  });

  it('rejects blocks that leave C, empty blocks and unknown keys', () => {
    expect(matmulShardParamsSchema.safeParse({ ...shard, rows: 3 }).error?.issues[0]?.path).toEqual(['rows']);
    expect(matmulShardParamsSchema.safeParse({ ...shard, col0: 1 }).error?.issues[0]?.path).toEqual(['cols']);
    expect(matmulShardParamsSchema.safeParse({ ...shard, rows: 0 }).success).toBe(false);
    expect(matmulShardParamsSchema.safeParse({ ...shard, row0: -1 }).success).toBe(false);
    expect(matmulShardParamsSchema.safeParse({ ...shard, extra: 1 }).success).toBe(false);
  });
});
