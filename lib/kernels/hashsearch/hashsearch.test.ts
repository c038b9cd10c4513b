import { describe, expect, it } from 'vitest';
import { type JobSpec, KernelInputError, type ShardSpec } from '../kernel';
import { createPrng } from '../prng';
import { HASHSEARCH_SHARD_NONCES, hashsearch, hashsearchMaxHits } from './hashsearch';
import {
  HASHSEARCH_RINGERS,
  type HashsearchJobParams,
  type HashsearchShardParams,
} from './hashsearch-params';
import { type HashsearchSecret, hashsearchShard, ringerMissProbability } from './hashsearch-ringers';

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

let seed = 1;

/** A shard with ringers planted by a seeded generator, so every run of the tests is the same. */
function shardOf(
  range: Omit<HashsearchShardParams, 'ringers'>,
): ShardSpec<HashsearchShardParams> & { secret: HashsearchSecret } {
  return hashsearchShard(range, createPrng([seed++, 0x5eed, 0, 0]));
}

/** The matches of a result: everything before the ringer slots. */
function matchesOf(result: Uint8Array): bigint[] {
  return readU64le(result.subarray(0, result.length - 8 * HASHSEARCH_RINGERS));
}

/** The ringer slots of a result. */
function slotsOf(result: Uint8Array): bigint[] {
  return readU64le(result.subarray(result.length - 8 * HASHSEARCH_RINGERS));
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
    for (const { params, inputs, secret } of shards) {
      expect(hashsearch.shardParamsSchema.parse(params)).toEqual(params);
      expect(inputs).toEqual({});
      // Every shard hides ringers in its own range; the nonces are secret, only digests travel.
      const nonces = (secret as HashsearchSecret).ringerNonces.map(BigInt);
      expect(nonces).toHaveLength(HASHSEARCH_RINGERS);
      for (const nonce of nonces) {
        expect(nonce >= BigInt(params.nonceStart)).toBe(true);
        expect(nonce < BigInt(params.nonceStart) + BigInt(params.nonceCount)).toBe(true);
      }
      expect(Object.keys(params).sort()).toEqual([
        'difficulty',
        'nonceCount',
        'nonceStart',
        'prefix',
        'ringers',
      ]);
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

  it('plants fresh, unpredictable ringers on every split', () => {
    const [a] = split('0', 1000);
    const [b] = split('0', 1000);
    expect(a!.params.ringers).not.toEqual(b!.params.ringers);
    expect(new Set((a!.secret as HashsearchSecret).ringerNonces).size).toBeGreaterThan(
      HASHSEARCH_RINGERS / 2,
    );
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
    expect(matchesOf(result)).toEqual(expected);
    expect(slotsOf(result)).toEqual(shard.secret.ringerNonces.map(BigInt));
    const size = hashsearch.resultSize(shard.params);
    expect(size).toMatchObject({ multipleOf: 8 });
    expect(result.length).toBeLessThanOrEqual((size as { max: number }).max);
  });

  it('returns only the ringer slots when nothing matches', () => {
    const shard = shardOf({ prefix: '', difficulty: 64, nonceStart: '0', nonceCount: 100 });
    const result = hashsearch.reference(shard);
    expect(result.length).toBe(8 * HASHSEARCH_RINGERS);
    expect(slotsOf(result)).toEqual(shard.secret.ringerNonces.map(BigInt));
  });

  it('fills every slot when ringers share a nonce (a one-nonce shard)', () => {
    const shard = shardOf({ prefix: 'ab', difficulty: 1, nonceStart: '77', nonceCount: 1 });
    expect(slotsOf(hashsearch.reference(shard))).toEqual(Array(HASHSEARCH_RINGERS).fill(77n));
  });

  it('refuses a shard whose ringer is not in its range (a bad lease)', () => {
    const shard = shardOf({ prefix: 'ab', difficulty: 8, nonceStart: '0', nonceCount: 100 });
    const moved = { ...shard, params: { ...shard.params, nonceStart: '100' } };
    expect(() => hashsearch.reference(moved)).toThrow(/ringer \d+ is not the digest/);
  });
});

describe('hashsearch.verify', () => {
  const shard = shardOf({ prefix: 'c0ffee', difficulty: 5, nonceStart: '1000', nonceCount: 2000 });
  const honest = hashsearch.reference(shard);
  const hits = matchesOf(honest);
  const slots = slotsOf(honest);
  const miss = (() => {
    for (let nonce = 1000n; ; nonce++) if (!hits.includes(nonce)) return nonce;
  })();
  const withSlots = (nonces: bigint[], ringerSlots = slots) => u64le([...nonces, ...ringerSlots]);

  it('is self-verifying: an honest result is valid alone, with or without the secret', () => {
    expect(hashsearch.verify.selfVerifying).toBe(true);
    expect(hits.length).toBeGreaterThan(10);
    expect(hashsearch.verify.check(shard, honest)).toEqual({ status: 'valid' });
    expect(hashsearch.verify.check({ ...shard, secret: undefined }, honest)).toEqual({ status: 'valid' });
  });

  it.each([
    [
      'a nonce that does not meet the difficulty',
      () => withSlots([...hits, miss].sort((x, y) => (x < y ? -1 : 1))),
      /leading zero bits/,
    ],
    ['a nonce below the range', () => withSlots([999n, ...hits]), /outside/],
    ['a nonce past the range', () => withSlots([...hits, 3000n]), /outside/],
    ['unsorted nonces', () => withSlots([hits[1]!, hits[0]!, ...hits.slice(2)]), /sorted/],
    ['a duplicate', () => withSlots([hits[0]!, ...hits]), /sorted and unique/],
    // The cheapest lies: nothing at all, zeros of a plausible length, the matches without ringers.
    ['the empty result', () => new Uint8Array(), /ringers are missing/],
    ['all zeros', () => new Uint8Array(honest.length), /ringer 0 not found/],
    ['the matches alone (the old contract)', () => u64le(hits), /ringer|sorted|leading zero/],
    [
      'a ringer slot off by one',
      () => withSlots(hits, [slots[0]! + 1n, ...slots.slice(1)]),
      /ringer 0 not found/,
    ],
    [
      'the ringer slots in the wrong order',
      () => withSlots(hits, [...slots].reverse()),
      /ringer \d+ not found/,
    ],
    [
      'a match moved into the ringer slots',
      () => withSlots(hits.slice(1), [hits[0]!, ...slots.slice(1)]),
      /ringer 0/,
    ],
  ])('rejects %s', (_name, result, reason) => {
    expect(hashsearch.verify.check(shard, result())).toEqual({
      status: 'invalid',
      reason: expect.stringMatching(reason),
    });
  });

  it('without the secret, still rejects a slot that does not hash to its ringer', () => {
    const noSecret = { ...shard, secret: undefined };
    const wrong = withSlots(hits, [slots[0]! + 1n, ...slots.slice(1)]);
    expect(hashsearch.verify.check(noSecret, wrong)).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/does not hash to it/),
    });
  });

  it('throws on a malformed secret: a server bug, not the volunteer’s fault', () => {
    expect(() => hashsearch.verify.check({ ...shard, secret: { ringerNonces: ['x'] } }, honest)).toThrow();
  });

  it('rejects partial work: a search over half the range misses ringers in the other half', () => {
    // A lazy volunteer hashes only [1000, 2000) and guesses the ringers it did not see.
    const half = shardOf({ prefix: 'c0ffee', difficulty: 5, nonceStart: '1000', nonceCount: 2000 });
    const firstHalf = matchesOf(hashsearch.reference(half)).filter((nonce) => nonce < 2000n);
    const found = half.secret.ringerNonces.map(BigInt).map((nonce) => (nonce < 2000n ? nonce : 1000n));
    expect(found.some((nonce, j) => nonce !== BigInt(half.secret.ringerNonces[j]!))).toBe(true);
    expect(hashsearch.verify.check(half, u64le([...firstHalf, ...found]))).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/not found: the search skipped part of its range/),
    });
  });

  it('rejects a length that is not whole u64s, and more matches than credible', async () => {
    expect((await hashsearch.verify.check(shard, honest.subarray(1))).status).toBe('invalid');
    const tooMany = withSlots(Array.from({ length: 2000 }, (_, i) => 1000n + BigInt(i)));
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

describe('hashsearch ringers catch a search that skips part of its range', () => {
  // One small range hashed once; each trial plants fresh ringers (a seeded generator, so the test
  // is reproducible) and plays a lazy volunteer who hashed only a random subset of the range: it
  // can name a ringer only if it hashed that ringer's nonce, and must guess the others.
  const range = { prefix: '5eed', difficulty: 4, nonceStart: String(2n ** 40n), nonceCount: 512 };
  const start = BigInt(range.nonceStart);
  const honest = hashsearch.reference(shardOf(range));
  const matches = matchesOf(honest);

  async function caughtFraction(skipped: number, trials: number): Promise<number> {
    const pick = createPrng([skipped * 1e6, trials, 7, 11]);
    let caught = 0;
    for (let trial = 0; trial < trials; trial++) {
      const shard = hashsearchShard({ ...range }, createPrng([trial, skipped * 1e6, 3, 5]));
      const hashed = new Set<bigint>();
      for (let i = 0n; i < BigInt(range.nonceCount); i++) {
        if (pick() / 2 ** 32 >= skipped) hashed.add(start + i);
      }
      const guess = start + BigInt(pick() % range.nonceCount);
      const slots = shard.secret.ringerNonces.map(BigInt).map((nonce) => (hashed.has(nonce) ? nonce : guess));
      const result = u64le([...matches.filter((nonce) => hashed.has(nonce)), ...slots]);
      if ((await hashsearch.verify.check(shard, result)).status === 'invalid') caught++;
    }
    return caught / trials;
  }

  it(`skipping 50 % is caught in at least 1 − 2^-${HASHSEARCH_RINGERS} of 2000 trials`, async () => {
    expect(ringerMissProbability(0.5)).toBe(2 ** -HASHSEARCH_RINGERS);
    expect(await caughtFraction(0.5, 2000)).toBeGreaterThanOrEqual(1 - ringerMissProbability(0.5));
  });

  it('skipping 10 % is caught at the rate 1 − 0.9^r predicts (within 5 standard deviations)', async () => {
    const trials = 2000;
    const p = 1 - ringerMissProbability(0.1);
    expect(p).toBeCloseTo(1 - 0.9 ** HASHSEARCH_RINGERS, 12);
    const sd = Math.sqrt((p * (1 - p)) / trials);
    expect(Math.abs((await caughtFraction(0.1, trials)) - p)).toBeLessThan(5 * sd);
  });

  it('an honest search is never caught', async () => {
    expect(await caughtFraction(0, 200)).toBe(0);
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
      hashsearch.workUnits({ prefix, difficulty: 10, nonceStart: '0', nonceCount, ringers: [] });
    expect(credit('', 1)).toBeGreaterThan(0);
    expect(credit('', 2 ** 20)).toBeCloseTo((2 ** 20 * 2000) / 1e6);
    expect(credit('ab'.repeat(47), 10)).toBe(credit('', 10));
    expect(credit('ab'.repeat(48), 10)).toBe(2 * credit('', 10));
  });
});

describe('hashsearch.assemble', () => {
  it('returns every shard’s matches as sorted decimal strings in JSON, never the ringers', () => {
    const job = {
      params: { prefix: '', difficulty: 3, nonceStart: String(U64_END - 2000n), nonceCount: 2000 },
    };
    const shards = [
      shardOf({ ...job.params, nonceCount: 1000 }),
      shardOf({ ...job.params, nonceStart: String(U64_END - 1000n), nonceCount: 1000 }),
    ];
    const results = shards.map((shard) => ({ params: shard.params, result: hashsearch.reference(shard) }));
    const expected = results.flatMap(({ result }) => matchesOf(result)).map(String);
    const output = hashsearch.assemble(job, [...results].reverse());
    expect(output).toMatchObject({ contentType: 'application/json', filename: 'nonces.json' });
    const parsed = JSON.parse(new TextDecoder().decode(output.bytes)) as { nonces: string[] };
    expect(parsed.nonces).toEqual(expected);
    expect(parsed.nonces.length).toBeGreaterThan(100);
    expect(parsed.nonces.at(-1)).toMatch(/^1844674407370955\d{4}$/);
    // Ringers that are not matches stay out (at difficulty 3, 7 in 8 of them are not).
    const ringerOnly = shards
      .flatMap((shard) => shard.secret.ringerNonces)
      .filter((nonce) => !expected.includes(nonce));
    expect(ringerOnly.length).toBeGreaterThan(0);
    for (const nonce of ringerOnly) expect(parsed.nonces).not.toContain(nonce);
  });

  it('keeps a ringer that is also a match exactly once', () => {
    const range = { prefix: 'feed', difficulty: 3, nonceStart: '0', nonceCount: 64 };
    const match = readU64le(hashsearch.reference(shardOf(range))).find((nonce) => nonce < 64n)!;
    const shard = hashsearchShard(range, () => Number(match));
    const output = hashsearch.assemble({ params: range }, [
      { params: shard.params, result: hashsearch.reference(shard) },
    ]);
    const parsed = JSON.parse(new TextDecoder().decode(output.bytes)) as { nonces: string[] };
    expect(parsed.nonces.filter((nonce) => nonce === String(match))).toHaveLength(1);
  });

  it('returns an empty list when nothing matched', () => {
    const job = { params: { prefix: '', difficulty: 64, nonceStart: '0', nonceCount: 1 } };
    const shard = shardOf(job.params);
    const output = hashsearch.assemble(job, [{ params: shard.params, result: hashsearch.reference(shard) }]);
    expect(new TextDecoder().decode(output.bytes)).toBe('{"nonces":[]}');
  });
});
