import { describe, expect, it } from 'vitest';
import {
  montecarloChunks,
  montecarloJobParamsSchema,
  montecarloShardParamsSchema,
} from './montecarlo-params';

const job = {
  spot: 100,
  strike: 95,
  rate: 0.03,
  volatility: 0.25,
  maturity: 0.5,
  optionType: 'put',
  paths: 1_000_000,
  seed: 42,
};

describe('montecarloJobParamsSchema', () => {
  it('normalizes the seed to a decimal string, idempotently', () => {
    const parsed = montecarloJobParamsSchema.parse(job);
    expect(parsed.seed).toBe('42');
    expect(montecarloJobParamsSchema.parse(parsed)).toEqual(parsed);
    expect(montecarloJobParamsSchema.parse({ ...job, seed: '007' }).seed).toBe('7');
    expect(montecarloJobParamsSchema.parse({ ...job, seed: '18446744073709551615' }).seed).toBe(
      '18446744073709551615',
    );
  });

  it('accepts 2^32 paths, and refuses a split into more than 65,536 shards', () => {
    expect(montecarloJobParamsSchema.safeParse({ ...job, paths: 2 ** 32 }).success).toBe(true);
    const tiny = montecarloJobParamsSchema.safeParse({ ...job, paths: 2 ** 32, pathsPerShard: 256 });
    expect(tiny.error?.issues[0]?.path).toEqual(['pathsPerShard']);
  });
});

describe('montecarloShardParamsSchema', () => {
  const { paths: _, ...market } = job;
  const shard = { ...market, seed: '42', pathOffset: 512, pathCount: 1000 };

  it('accepts what split produces and refuses offsets off the 256-path grid or past 2^32', () => {
    expect(montecarloShardParamsSchema.parse(shard)).toEqual(shard);
    expect(montecarloShardParamsSchema.safeParse({ ...shard, pathOffset: 100 }).success).toBe(false);
    expect(montecarloShardParamsSchema.safeParse({ ...shard, seed: 42 }).success).toBe(false);
    expect(montecarloShardParamsSchema.safeParse({ ...shard, pathOffset: 2 ** 32 - 256 }).success).toBe(
      false,
    );
  });
});

describe('montecarloChunks', () => {
  it('counts one chunk per 256 paths, the last one partial', () => {
    expect([1, 256, 257, 2 ** 22].map(montecarloChunks)).toEqual([1, 1, 2, 2 ** 14]);
  });
});
