import { z } from 'zod';

export const HASHSEARCH_MAX_PREFIX_BYTES = 128;
/** Nonces per job (and per shard): a u32 count keeps every range's arithmetic exact. */
export const HASHSEARCH_MAX_NONCE_COUNT = 2 ** 32;
/**
 * Expected matches per job, nonceCount / 2^difficulty: each match is a line of the JSON result,
 * so a search must be selective enough for its answer to stay small (≈ 1.5 MB at the limit).
 */
export const HASHSEARCH_MAX_EXPECTED_HITS = 2 ** 16;

/**
 * Hidden known answers per shard (Golle–Mironov ringers): the SHA-256 digests of this many
 * server-chosen secret nonces in the shard's range. A search that skips a fraction f of its range
 * misses at least one with probability 1 − (1 − f)^16 (f = 50 %: all but 1.5·10⁻⁵; f = 10 %: 0.81).
 * Always exactly this many, so the lease's shape says nothing about the shard. Costs the GPU 16
 * word comparisons per hash (< 1 % of a SHA-256) and the result 128 bytes.
 */
export const HASHSEARCH_RINGERS = 16;

const U64_LIMIT = 2n ** 64n;

const prefix = z
  .string({ error: 'prefix must be a hex string' })
  .max(
    2 * HASHSEARCH_MAX_PREFIX_BYTES,
    `prefix must be at most ${HASHSEARCH_MAX_PREFIX_BYTES} bytes (${2 * HASHSEARCH_MAX_PREFIX_BYTES} hex digits)`,
  )
  .regex(
    /^(?:[0-9a-fA-F]{2})*$/,
    'prefix must be hex with an even number of digits (whole bytes), e.g. "00ff"',
  )
  .transform((hex) => hex.toLowerCase());

const difficulty = z
  .int({ error: 'difficulty must be a whole number of leading zero bits' })
  .min(1, 'difficulty must be at least 1')
  .max(64, 'difficulty must be at most 64 leading zero bits');

const nonceCount = z
  .int({ error: 'nonceCount must be a whole number' })
  .min(1, 'nonceCount must be at least 1')
  .max(HASHSEARCH_MAX_NONCE_COUNT, `nonceCount must be at most 2^32 (${HASHSEARCH_MAX_NONCE_COUNT})`);

const decimalU64 = z
  .string({ error: 'nonceStart must be a decimal string, e.g. "0"' })
  .regex(/^\d{1,20}$/, 'nonceStart must be a decimal integer string below 2^64, e.g. "0"');

const nonceStartOf = (input: z.ZodType<string | number>) =>
  input
    .transform((value) => BigInt(value))
    .refine((value) => value < U64_LIMIT, 'nonceStart must be below 2^64 (18446744073709551616)')
    .transform((value) => value.toString());

/** The u64 range end of params that may not have parsed; null when it cannot be computed. */
function rangeEnd(params: { nonceStart: unknown; nonceCount: unknown }): bigint | null {
  if (typeof params.nonceStart !== 'string' || !/^\d+$/.test(params.nonceStart)) return null;
  if (!Number.isSafeInteger(params.nonceCount)) return null;
  return BigInt(params.nonceStart) + BigInt(params.nonceCount as number);
}

function checkRange(params: { nonceStart: unknown; nonceCount: unknown }, ctx: z.RefinementCtx): void {
  const end = rangeEnd(params);
  if (end !== null && end > U64_LIMIT) {
    ctx.addIssue({
      code: 'custom',
      path: ['nonceCount'],
      message: `nonceStart + nonceCount = ${end} passes 2^64: nonces are u64, lower nonceCount or nonceStart`,
    });
  }
}

/**
 * Job params. `nonceStart` may be a decimal string (any u64) or a safe integer; it is normalized to
 * a decimal string, so parsing the output again gives the same params.
 */
export const hashsearchJobParamsSchema = z
  .strictObject(
    {
      prefix,
      difficulty,
      nonceStart: nonceStartOf(
        z.union(
          [
            decimalU64,
            z
              .int({
                error:
                  'nonceStart as a number must be a whole number up to 2^53; send larger ones as a decimal string',
              })
              .min(0, 'nonceStart must not be negative'),
          ],
          {
            error:
              'nonceStart must be a non-negative integer, as a decimal string (any u64) or a number (up to 2^53)',
          },
        ),
      ),
      nonceCount,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: hashsearch takes prefix, difficulty, nonceStart, nonceCount`
          : 'params must be an object {prefix, difficulty, nonceStart, nonceCount}',
    },
  )
  .superRefine((params, ctx) => {
    checkRange(params, ctx);
    const expected = params.nonceCount / 2 ** params.difficulty;
    if (expected > HASHSEARCH_MAX_EXPECTED_HITS) {
      ctx.addIssue({
        code: 'custom',
        path: ['difficulty'],
        message: `difficulty ${params.difficulty} over ${params.nonceCount} nonces expects ~${Math.round(expected)} matches; at most ${HASHSEARCH_MAX_EXPECTED_HITS} are allowed: raise difficulty or lower nonceCount`,
      });
    }
  });

export type HashsearchJobParams = z.infer<typeof hashsearchJobParamsSchema>;

/** A ringer: the SHA-256 digest of `prefix ‖ nonce as u64 LE`, 64 lowercase hex digits. */
const ringerDigest = z
  .string({ error: 'a ringer must be a SHA-256 digest in hex' })
  .regex(/^[0-9a-f]{64}$/, 'a ringer must be a SHA-256 digest: 64 lowercase hex digits');

const ringers = z
  .array(ringerDigest, { error: 'ringers must be a list of SHA-256 digests in hex' })
  .length(HASHSEARCH_RINGERS, `a shard carries exactly ${HASHSEARCH_RINGERS} ringers`);

/**
 * Shard params: the same search over the shard's own range, nonceStart always a decimal string,
 * plus the ringers' digests (`split` plants them; the nonces behind them stay on the server).
 */
export const hashsearchShardParamsSchema = z
  .strictObject({ prefix, difficulty, nonceStart: nonceStartOf(decimalU64), nonceCount, ringers })
  .superRefine(checkRange);

export type HashsearchShardParams = z.infer<typeof hashsearchShardParamsSchema>;
