import { describe, expect, it } from 'vitest';
import {
  HASHSEARCH_RINGERS,
  hashsearchJobParamsSchema,
  hashsearchShardParamsSchema,
} from './hashsearch-params';

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
  const shard = {
    prefix: 'ab',
    difficulty: 8,
    nonceStart: '5',
    nonceCount: 10,
    ringers: Array.from({ length: HASHSEARCH_RINGERS }, (_, i) => i.toString(16).padStart(64, '0')),
  };

  it('accepts what split produces', () => {
    expect(hashsearchShardParamsSchema.parse(shard)).toEqual(shard);
  });

  it(`takes exactly ${HASHSEARCH_RINGERS} ringers, each a lowercase hex SHA-256 digest`, () => {
    const ringers = (change: (list: string[]) => string[]) =>
      hashsearchShardParamsSchema.safeParse({ ...shard, ringers: change([...shard.ringers]) }).success;
    expect(ringers((list) => list.slice(1))).toBe(false);
    expect(ringers((list) => [...list, list[0]!])).toBe(false);
    expect(ringers((list) => [list[0]!.toUpperCase().replace(/0/g, 'A'), ...list.slice(1)])).toBe(false);
    expect(ringers((list) => [list[0]!.slice(2), ...list.slice(1)])).toBe(false);
    expect(hashsearchShardParamsSchema.safeParse({ ...shard, ringers: undefined }).success).toBe(false);
  });

  it('takes nonceStart only as a decimal string, within u64', () => {
    expect(hashsearchShardParamsSchema.safeParse({ ...shard, nonceStart: 5 }).success).toBe(false);
    expect(
      hashsearchShardParamsSchema.safeParse({ ...shard, nonceStart: String(2n ** 64n - 5n) }).success,
    ).toBe(false);
    expect(hashsearchShardParamsSchema.safeParse({ ...shard, extra: true }).success).toBe(false);
  });
});
