import { describe, expect, it } from 'vitest';
import { hashsearchJobParamsSchema, hashsearchShardParamsSchema } from './hashsearch-params';

describe('hashsearchJobParamsSchema', () => {
  it('normalizes prefix to lower case and nonceStart to a decimal string, idempotently', () => {
    const parsed = hashsearchJobParamsSchema.parse({
      prefix: 'ABcd',
      difficulty: 20,
      nonceStart: 42,
      nonceCount: 100,
    });
    expect(parsed).toEqual({ prefix: 'abcd', difficulty: 20, nonceStart: '42', nonceCount: 100 });
    expect(hashsearchJobParamsSchema.parse(parsed)).toEqual(parsed);
  });

  it('accepts an empty prefix, the full u64 range end and the largest count', () => {
    expect(
      hashsearchJobParamsSchema.safeParse({
        prefix: '',
        difficulty: 16,
        nonceStart: String(2n ** 64n - 2n ** 32n),
        nonceCount: 2 ** 32,
      }).success,
    ).toBe(true);
    expect(
      hashsearchJobParamsSchema.parse({ prefix: '', difficulty: 1, nonceStart: '007', nonceCount: 1 })
        .nonceStart,
    ).toBe('7');
  });
});

describe('hashsearchShardParamsSchema', () => {
  const shard = { prefix: 'ab', difficulty: 8, nonceStart: '5', nonceCount: 10 };

  it('accepts what split produces', () => {
    expect(hashsearchShardParamsSchema.parse(shard)).toEqual(shard);
  });

  it('takes nonceStart only as a decimal string, within u64', () => {
    expect(hashsearchShardParamsSchema.safeParse({ ...shard, nonceStart: 5 }).success).toBe(false);
    expect(
      hashsearchShardParamsSchema.safeParse({ ...shard, nonceStart: String(2n ** 64n - 5n) }).success,
    ).toBe(false);
    expect(hashsearchShardParamsSchema.safeParse({ ...shard, extra: true }).success).toBe(false);
  });
});
