import { describe, expect, it } from 'vitest';
import { type JobSpec, KernelInputError, type ShardSpec } from '../kernel';
import { HASHSEARCH_SHARD_NONCES, hashsearch, hashsearchMaxHits } from './hashsearch';
import type { HashsearchJobParams, HashsearchShardParams } from './hashsearch-params';

const U64_END = 2n ** 64n;

function u64le(nonces: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(8 * nonces.length);
  const view = new DataView(bytes.buffer);
  nonces.forEach((nonce, i) => {
    view.setBigUint64(8 * i, nonce, true);
  });
  return bytes;
}

function readU64le(bytes: Uint8Array): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(8 * i, true));
}

/** The independent oracle: WebCrypto over every nonce of the range. */
async function bruteForce(
  prefixHex: string,
  difficulty: number,
  start: bigint,
  count: number,
): Promise<bigint[]> {
  const prefix = Uint8Array.from(prefixHex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  const hits: bigint[] = [];
  for (let nonce = start; nonce < start + BigInt(count); nonce++) {
    const message = new Uint8Array(prefix.length + 8);
    message.set(prefix);
    new DataView(message.buffer).setBigUint64(prefix.length, nonce, true);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', message));
    let zeros = 0;
    for (const byte of digest) {
      zeros += byte === 0 ? 8 : Math.clz32(byte) - 24;
      if (byte !== 0) break;
    }
    if (zeros >= difficulty) hits.push(nonce);
  }
  return hits;
}

function shardOf(params: HashsearchShardParams): ShardSpec<HashsearchShardParams> {
  return { params, inputs: {} };
}

describe('hashsearch.split', () => {
  const split = (nonceStart: string | number, nonceCount: number) =>
    hashsearch.split({
      params: { prefix: 'AB01', difficulty: 20, nonceStart, nonceCount } as HashsearchJobParams,
      inputs: {},
    });

  it.each([
    ['1 nonce', '0', 1],
    ['exactly one shard', '5', HASHSEARCH_SHARD_NONCES],
    ['one more than a shard', '0', HASHSEARCH_SHARD_NONCES + 1],
    ['not a multiple of the shard size', '12345678901234567890', 3 * HASHSEARCH_SHARD_NONCES - 5],
    ['across the 2^32 carry', String(2 ** 32 - 100), HASHSEARCH_SHARD_NONCES + 200],
    [
      'ending exactly at 2^64',
      String(U64_END - BigInt(2 * HASHSEARCH_SHARD_NONCES + 7)),
      2 * HASHSEARCH_SHARD_NONCES + 7,
    ],
    ['the last nonce alone', String(U64_END - 1n), 1],
  ])('covers the range exactly once: %s', (_name, start, count) => {
    const shards = split(start, count);
    let next = BigInt(start);
    for (const { params, inputs } of shards) {
      expect(hashsearch.shardParamsSchema.parse(params)).toEqual(params);
      expect(inputs).toEqual({});
      expect(params).toMatchObject({ prefix: 'ab01', difficulty: 20 });
      expect(BigInt(params.nonceStart)).toBe(next);
      expect(params.nonceCount).toBeGreaterThan(0);
      expect(params.nonceCount).toBeLessThanOrEqual(HASHSEARCH_SHARD_NONCES);
      next += BigInt(params.nonceCount);
    }
    expect(next).toBe(BigInt(start) + BigInt(count));
    expect(shards).toHaveLength(Math.ceil(count / HASHSEARCH_SHARD_NONCES));
  });

  it('accepts nonceStart as a safe integer and normalizes it to a decimal string', () => {
    expect(split(1000, 10)[0]!.params.nonceStart).toBe('1000');
  });

  it('splits the largest job into 4096 shards', () => {
    expect(split('0', 2 ** 32)).toHaveLength(2 ** 32 / HASHSEARCH_SHARD_NONCES);
  });
});

function inputError(spec: JobSpec<unknown>): KernelInputError {
  try {
    hashsearch.split(spec as JobSpec<HashsearchJobParams>);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('split accepted an invalid job');
}

describe('hashsearch.split rejects bad jobs with the field to fix', () => {
  const params = { prefix: '00ff', difficulty: 16, nonceStart: '0', nonceCount: 1000 };

  it.each([
    ['odd-length prefix', { prefix: 'abc' }, 'params.prefix', /even number of digits/],
    ['non-hex prefix', { prefix: 'zz' }, 'params.prefix', /hex/],
    ['prefix over 128 bytes', { prefix: 'ab'.repeat(129) }, 'params.prefix', /at most 128 bytes/],
    ['prefix not a string', { prefix: 12 }, 'params.prefix', /hex string/],
    ['zero difficulty', { difficulty: 0 }, 'params.difficulty', /at least 1/],
    ['difficulty over 64', { difficulty: 65 }, 'params.difficulty', /at most 64/],
    ['fractional difficulty', { difficulty: 1.5 }, 'params.difficulty', /whole number/],
    ['negative nonceStart', { nonceStart: -1 }, 'params.nonceStart', /negative/],
    ['negative nonceStart string', { nonceStart: '-1' }, 'params.nonceStart', /decimal integer string/],
    ['non-decimal nonceStart', { nonceStart: '0x10' }, 'params.nonceStart', /decimal integer string/],
    ['fractional nonceStart', { nonceStart: 1.5 }, 'params.nonceStart', /non-negative integer/],
    ['unsafe-integer nonceStart', { nonceStart: 2 ** 60 }, 'params.nonceStart', /decimal string/],
    ['nonceStart of 2^64', { nonceStart: '18446744073709551616' }, 'params.nonceStart', /below 2\^64/],
    ['zero nonceCount', { nonceCount: 0 }, 'params.nonceCount', /at least 1/],
    ['nonceCount over 2^32', { nonceCount: 2 ** 32 + 1 }, 'params.nonceCount', /at most 2\^32/],
    [
      'range past 2^64',
      { nonceStart: '18446744073709551615', nonceCount: 2 },
      'params.nonceCount',
      /passes 2\^64/,
    ],
    [
      'too many expected matches',
      { difficulty: 1, nonceCount: 2 ** 20 },
      'params.difficulty',
      /raise difficulty/,
    ],
    ['unknown key', { nonce_start: '0' }, 'params.nonce_start', /unknown parameter "nonce_start"/],
    ['missing key', { nonceCount: undefined }, 'params.nonceCount', /whole number/],
  ])('%s', (_name, change, field, message) => {
    const error = inputError({ params: { ...params, ...change }, inputs: {} });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('input files', () => {
    expect(inputError({ params, inputs: { a: new Uint8Array(1) } })).toMatchObject({
      field: 'inputs.a',
      message: expect.stringMatching(/no input files/),
    });
  });
});

describe('hashsearch.reference', () => {
  it.each([
    ['from zero', 'deadbeef', 0n, 3000],
    ['across the 2^32 carry', '00', 2n ** 32n - 1500n, 3000],
    ['up to the last u64', '', U64_END - 3000n, 3000],
    ['with a two-block prefix', 'ab'.repeat(100), 77n, 2000],
  ])('agrees with a brute-force WebCrypto search %s', async (_name, prefix, start, count) => {
    const shard = shardOf({ prefix, difficulty: 6, nonceStart: start.toString(), nonceCount: count });
    const expected = await bruteForce(prefix, 6, start, count);
    expect(expected.length).toBeGreaterThan(10);
    const result = hashsearch.reference(shard);
    expect(readU64le(result)).toEqual(expected);
    const size = hashsearch.resultSize(shard.params);
    expect(size).toMatchObject({ multipleOf: 8 });
    expect(result.length).toBeLessThanOrEqual((size as { max: number }).max);
  });

  it('returns no bytes when nothing matches', () => {
    expect(
      hashsearch.reference(shardOf({ prefix: '', difficulty: 64, nonceStart: '0', nonceCount: 100 })),
    ).toEqual(new Uint8Array());
  });
});

describe('hashsearch.verify', () => {
  const shard = shardOf({ prefix: 'c0ffee', difficulty: 5, nonceStart: '1000', nonceCount: 2000 });
  const honest = hashsearch.reference(shard);
  const hits = readU64le(honest);
  const miss = (() => {
    for (let nonce = 1000n; ; nonce++) if (!hits.includes(nonce)) return nonce;
  })();

  it('needs a quorum: an honest result is only plausible', () => {
    expect(hashsearch.verify.selfVerifying).toBe(false);
    expect(hits.length).toBeGreaterThan(10);
    expect(hashsearch.verify.check(shard, honest)).toEqual({ status: 'plausible' });
    expect(hashsearch.verify.check(shard, new Uint8Array())).toEqual({ status: 'plausible' });
  });

  it.each([
    [
      'a nonce that does not meet the difficulty',
      () => [...hits, miss].sort((x, y) => (x < y ? -1 : 1)),
      /leading zero bits/,
    ],
    ['a nonce below the range', () => [999n, ...hits], /outside/],
    ['a nonce past the range', () => [...hits, 3000n], /outside/],
    ['unsorted nonces', () => [hits[1]!, hits[0]!, ...hits.slice(2)], /sorted/],
    ['a duplicate', () => [hits[0]!, ...hits], /sorted and unique/],
  ])('rejects %s', (_name, nonces, reason) => {
    expect(hashsearch.verify.check(shard, u64le(nonces()))).toEqual({
      status: 'invalid',
      reason: expect.stringMatching(reason),
    });
  });

  it('rejects a length that is not whole u64s, and more matches than credible', async () => {
    expect((await hashsearch.verify.check(shard, honest.subarray(1))).status).toBe('invalid');
    const tooMany = u64le(Array.from({ length: 2000 }, (_, i) => 1000n + BigInt(i)));
    expect(hashsearch.verify.check(shard, tooMany)).toMatchObject({
      reason: expect.stringMatching(/not credible/),
    });
  });

  it('compares results byte for byte', () => {
    expect(hashsearch.verify.compare(shard, honest, honest.slice())).toBe(true);
    expect(hashsearch.verify.compare(shard, honest, honest.subarray(8))).toBe(false);
    const flipped = honest.slice();
    flipped[0]! ^= 1;
    expect(hashsearch.verify.compare(shard, honest, flipped)).toBe(false);
  });
});

describe('hashsearch result size and credit', () => {
  it('caps matches well above the expected count, never above nonceCount', () => {
    expect(hashsearchMaxHits(1, 1)).toBe(1);
    expect(hashsearchMaxHits(HASHSEARCH_SHARD_NONCES, 40)).toBe(17);
    const mean = HASHSEARCH_SHARD_NONCES / 2;
    expect(hashsearchMaxHits(HASHSEARCH_SHARD_NONCES, 1)).toBeGreaterThan(mean + 8 * Math.sqrt(mean / 2));
  });

  it('credits hashes in 10⁶-operation units, more for prefixes that need more blocks', () => {
    const credit = (prefix: string, nonceCount: number) =>
      hashsearch.workUnits({ prefix, difficulty: 10, nonceStart: '0', nonceCount });
    expect(credit('', 1)).toBeGreaterThan(0);
    expect(credit('', 2 ** 20)).toBeCloseTo((2 ** 20 * 2000) / 1e6);
    expect(credit('ab'.repeat(47), 10)).toBe(credit('', 10));
    expect(credit('ab'.repeat(48), 10)).toBe(2 * credit('', 10));
  });
});

describe('hashsearch.assemble', () => {
  it('returns every shard’s nonces as sorted decimal strings in JSON', () => {
    const job = {
      params: { prefix: '', difficulty: 3, nonceStart: String(U64_END - 2000n), nonceCount: 2000 },
    };
    const shards = [
      shardOf({ ...job.params, nonceCount: 1000 }),
      shardOf({ ...job.params, nonceStart: String(U64_END - 1000n), nonceCount: 1000 }),
    ];
    const results = shards.map((shard) => ({ params: shard.params, result: hashsearch.reference(shard) }));
    const expected = results.flatMap(({ result }) => readU64le(result)).map(String);
    const output = hashsearch.assemble(job, [...results].reverse());
    expect(output).toMatchObject({ contentType: 'application/json', filename: 'nonces.json' });
    const parsed = JSON.parse(new TextDecoder().decode(output.bytes)) as { nonces: string[] };
    expect(parsed.nonces).toEqual(expected);
    expect(parsed.nonces.length).toBeGreaterThan(100);
    expect(parsed.nonces.at(-1)).toMatch(/^1844674407370955\d{4}$/);
  });

  it('returns an empty list when nothing matched', () => {
    const job = { params: { prefix: '', difficulty: 64, nonceStart: '0', nonceCount: 1 } };
    const output = hashsearch.assemble(job, [{ params: job.params, result: new Uint8Array() }]);
    expect(new TextDecoder().decode(output.bytes)).toBe('{"nonces":[]}');
  });
});
