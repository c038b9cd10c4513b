import { z } from 'zod';
import { boundedInteger } from '../bounded-integer';

/** Paths per job: path indices are u32 Philox counters. */
export const MONTECARLO_MAX_PATHS = 2 ** 32;
/** Paths one workgroup simulates and sums: the chunk of the result format. */
export const MONTECARLO_CHUNK_PATHS = 256;
/**
 * Default paths per shard. The CPU fallback simulates ≈ 1–2 M paths/s, so 2^20 is about a second
 * there and milliseconds on a GPU; the largest job becomes 4096 shards.
 */
export const MONTECARLO_DEFAULT_SHARD_PATHS = 2 ** 20;
/** Most paths per shard: 16,384 workgroups in one dimension, 128 KiB of result. */
export const MONTECARLO_MAX_SHARD_PATHS = 2 ** 22;
/**
 * Market limits. They keep every honest float32 value finite with a wide margin: the largest
 * terminal price is spot·e^{|r|T + σ√T·5.77} ≤ 10⁶·e^{2.5 + 18.3} ≈ 10¹⁵, whose square summed over a
 * chunk of 256 stays below 10³³ (f32 overflows at 3.4·10³⁸).
 */
export const MONTECARLO_MAX_PRICE = 1e6;
export const MONTECARLO_MAX_RATE = 0.25;
export const MONTECARLO_MAX_VOLATILITY = 1;
export const MONTECARLO_MAX_MATURITY = 10;

const U64_LIMIT = 2n ** 64n;

function real(name: string, what: string, min: number, max: number, exclusiveMin: boolean) {
  const base = z.number({
    error: (issue) =>
      issue.input === undefined
        ? `${name} is required (${what})`
        : `${name} must be a finite number (${what})`,
  });
  return (
    exclusiveMin
      ? base.gt(min, `${name} must be greater than ${min} (${what})`)
      : base.min(min, `${name} must be at least ${min} (${what})`)
  ).max(max, `${name} must be at most ${max} (${what})`);
}

const market = {
  spot: real('spot', 'price of the underlying today', 0, MONTECARLO_MAX_PRICE, true),
  strike: real('strike', 'strike price', 0, MONTECARLO_MAX_PRICE, true),
  rate: real(
    'rate',
    'continuously compounded risk-free rate per year, e.g. 0.05',
    -MONTECARLO_MAX_RATE,
    MONTECARLO_MAX_RATE,
    false,
  ),
  volatility: real('volatility', 'annual volatility, e.g. 0.2', 0, MONTECARLO_MAX_VOLATILITY, true),
  maturity: real('maturity', 'time to expiry in years', 0, MONTECARLO_MAX_MATURITY, true),
  optionType: z.enum(['call', 'put'], { error: 'optionType must be "call" or "put"' }),
};

const decimalU64 = z
  .string({ error: 'seed must be a decimal string, e.g. "42"' })
  .regex(/^\d{1,20}$/, 'seed must be a decimal integer string below 2^64, e.g. "42"');

/** Normalizes a seed to its decimal u64 string: the Philox key, one form inside the system. */
const seedOf = (input: z.ZodType<string | number>) =>
  input
    .transform((value) => BigInt(value))
    .refine((value) => value < U64_LIMIT, 'seed must be below 2^64 (18446744073709551616)')
    .transform((value) => value.toString());

/** "u32 or decimal string" at the API: a number up to 2^32 − 1, or any u64 as a decimal string. */
const seedOfJob = seedOf(
  z.union(
    [
      decimalU64,
      z
        .int({
          error: 'seed as a number must be a whole number below 2^32; send larger ones as a decimal string',
        })
        .min(0, 'seed must not be negative')
        .max(2 ** 32 - 1, 'seed as a number must be below 2^32; send larger ones as a decimal string'),
    ],
    { error: 'seed must be a u32 number or a decimal string of a u64, e.g. 42 or "42"' },
  ),
);

/**
 * Job params: a European option under geometric Brownian motion, priced from `paths` simulated
 * terminal prices drawn with Philox4x32-10 keyed by `seed` (normalized to a decimal string).
 */
export const montecarloJobParamsSchema = z
  .strictObject(
    {
      ...market,
      paths: boundedInteger('paths', 1, MONTECARLO_MAX_PATHS, ' (2^32)'),
      seed: seedOfJob,
      pathsPerShard: boundedInteger('pathsPerShard', MONTECARLO_CHUNK_PATHS, MONTECARLO_MAX_SHARD_PATHS)
        .refine(
          (value) => value % MONTECARLO_CHUNK_PATHS === 0,
          `pathsPerShard must be a multiple of ${MONTECARLO_CHUNK_PATHS} (the paths one workgroup sums)`,
        )
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: montecarlo takes spot, strike, rate, volatility, maturity, optionType, paths, seed, pathsPerShard`
          : 'params must be an object {spot, strike, rate, volatility, maturity, optionType, paths, seed, pathsPerShard?}',
    },
  )
  .superRefine((params, ctx) => {
    const shards = Math.ceil(params.paths / (params.pathsPerShard ?? MONTECARLO_DEFAULT_SHARD_PATHS));
    if (shards > 65_536) {
      ctx.addIssue({
        code: 'custom',
        path: ['pathsPerShard'],
        message: `${params.paths} paths at ${params.pathsPerShard} per shard make ${shards} shards; at most 65536 are allowed: raise pathsPerShard`,
      });
    }
  });

export type MontecarloJobParams = z.infer<typeof montecarloJobParamsSchema>;

/**
 * Shard params: the market, the seed, and the shard's global path range [pathOffset,
 * pathOffset + pathCount); pathOffset is a multiple of 256, so chunks are the same for any split.
 */
export const montecarloShardParamsSchema = z
  .strictObject({
    ...market,
    seed: seedOf(decimalU64),
    pathOffset: boundedInteger('pathOffset', 0, MONTECARLO_MAX_PATHS - 1).refine(
      (value) => value % MONTECARLO_CHUNK_PATHS === 0,
      `pathOffset must be a multiple of ${MONTECARLO_CHUNK_PATHS}`,
    ),
    pathCount: boundedInteger('pathCount', 1, MONTECARLO_MAX_SHARD_PATHS),
  })
  .superRefine((params, ctx) => {
    if (params.pathOffset + params.pathCount > MONTECARLO_MAX_PATHS) {
      ctx.addIssue({
        code: 'custom',
        path: ['pathCount'],
        message: 'pathOffset + pathCount must not exceed 2^32',
      });
    }
  });

export type MontecarloShardParams = z.infer<typeof montecarloShardParamsSchema>;

/** Chunks (sum records) in a shard's result: one per 256 paths, the last one maybe partial. */
export function montecarloChunks(pathCount: number): number {
  return Math.ceil(pathCount / MONTECARLO_CHUNK_PATHS);
}
