import { z } from 'zod';

const hex32 = /^0x[0-9a-fA-F]{64}$/;
const address = /^0x[0-9a-fA-F]{40}$/;

/**
 * Every setting, declared once and validated at start. Nothing else reads `process.env`.
 * Unset values mean "run it all on this machine": PGlite in DATA_DIR, anvil on DEV_CHAIN_PORT.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default('.data'),
    /** Unset: embedded PGlite in DATA_DIR. Set: a Postgres server shared by many coordinator processes. */
    DATABASE_URL: z.url().optional(),
    /** Unset: `npm run dev` starts anvil on DEV_CHAIN_PORT and deploys the contracts. */
    RPC_URL: z.url().optional(),
    DEV_CHAIN_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
    CHAIN_ID: z.coerce.number().int().positive().optional(),
    TOKEN_ADDRESS: z.string().regex(address, 'must be a 0x-prefixed 20-byte hex address').optional(),
    DISTRIBUTOR_ADDRESS: z.string().regex(address, 'must be a 0x-prefixed 20-byte hex address').optional(),
    PUBLISHER_PRIVATE_KEY: z.string().regex(hex32, 'must be a 0x-prefixed 32-byte hex key').optional(),
    /** Bearer token for operator calls (`POST /api/v1/epochs`). Dev generates and prints one. */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How often the coordinator closes a reward epoch (builds and publishes a Merkle root). */
    EPOCH_SECONDS: z.coerce.number().int().min(10).default(3600),
    /**
     * Protocol fee on every payment for paid work, in basis points (500 = 5 %), earned by
     * TREASURY_ADDRESS. See docs/rewards.md.
     */
    PROTOCOL_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(500),
    /** Where protocol fees go (claimable like earnings). Unset: no fee is charged. */
    TREASURY_ADDRESS: z.string().regex(address, 'must be a 0x-prefixed 20-byte hex address').optional(),
    /**
     * Most token units operators may grant (`POST /api/v1/grants`) per reward epoch. Default 10²²
     * (10,000 CYCLE). Keep it within the distributor's on-chain grant cap.
     */
    GRANT_CAP_PER_EPOCH: z
      .string()
      .regex(/^[0-9]{1,38}$/, 'must be a non-negative integer (token units)')
      .default('10000000000000000000000')
      .transform((value) => BigInt(value)),
    /** Blocks a deposit must be buried under before it is credited (0: credit at once, fine on anvil). */
    DEPOSIT_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(0),
    /** First block to read `Deposited` events from (the distributor's deployment block). */
    DEPOSITS_FROM_BLOCK: z.coerce.number().int().min(0).default(0),
    /** How often each coordinator process reads new deposits from the chain. */
    DEPOSIT_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
    /**
     * The public origin of this coordinator (`https://cycles.example.org`): Sign-In with Ethereum
     * messages must name its host. Required outside development and tests (the server refuses to
     * start without it); unset in development: the `Host` of each request, which a client chooses.
     */
    PUBLIC_URL: z.url().optional(),
    /** How long a Sign-In with Ethereum nonce stays valid. */
    SIWE_NONCE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
    /** How long a volunteer may hold a lease before it is re-issued to someone else. */
    LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /**
     * Run the validator and assimilator inside this server process (the default). Set to `false` on
     * coordinators whose validation runs in separate `npm run worker` processes on one Postgres.
     */
    PIPELINE_IN_PROCESS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /**
     * How long a validator's or assimilator's claim on a shard or job lasts. A process that dies
     * holding claims delays that work by this much; a live one finishes long before.
     */
    PIPELINE_CLAIM_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Worker threads for CPU work (verification, assembly, splitting). Default: cores − 1, at least 1. */
    PIPELINE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
    /** Live leases one volunteer may hold at once; a lease request beyond it gets fewer shards. */
    MAX_LIVE_LEASES: z.coerce.number().int().min(1).max(4096).default(256),

    /**
     * How long blobs of a job that ended (completed, failed, cancelled) are kept — its inputs,
     * shard inputs, replica results and assembled output — before the retention sweep deletes
     * every blob no other job needs. Default 7 days. See docs/operations.md.
     */
    BLOB_RETENTION_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 86_400),
    /**
     * Behind a reverse proxy: the request header that carries the client's address as the proxy saw
     * it (e.g. `x-real-ip`, or `x-forwarded-for`, whose rightmost entry — the one the proxy appended —
     * is taken). Set, the address comes only from this header; unset, from the TCP socket. Any copy
     * a client sends of the header is ignored. See docs/trust.md.
     */
    TRUSTED_PROXY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name such as x-real-ip')
      .transform((v) => v.toLowerCase())
      .optional(),
    /**
     * Internal: set by the production server (`scripts/next-server.mjs`) to a random value per
     * process; it proves that the client address header was written by that server. Never set it.
     */
    CLIENT_ADDRESS_SECRET: z.string().min(16).optional(),
    /** Registrations (`POST /api/v1/volunteers`) allowed per network prefix (IPv4 /24, IPv6 /48) per window. */
    REGISTRATIONS_PER_PREFIX: z.coerce.number().int().min(1).max(1_000_000).default(30),
    /** The registration rate-limit window. */
    REGISTRATION_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(3600),
    /**
     * Chance that a lease request from a volunteer with no reputation on a kernel also gets one
     * known-answer shard (an already verified shard re-issued); it falls as reputation grows:
     * rate × 10 / (10 + consecutive valid results). See docs/trust.md.
     */
    KNOWN_ANSWER_RATE: z.coerce.number().min(0).max(1).default(0.05),
    /**
     * Adaptive replication: the largest chance that a trusted volunteer's result on a quorum kernel
     * stands alone (1 − 1/CV up to this). Default 0: every result of a kernel that cannot prove it is
     * checked by another volunteer. Raising it saves compute and lets a trusted identity that turns
     * to cheating get that share of its wrong results accepted (BENCHMARKS.md, bench:adversarial).
     */
    ADAPTIVE_REPLICATION_MAX_SKIP: z.coerce.number().min(0).max(0.95).default(0),
    /** Log level of the structured JSON logs (pino). */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((settings, ctx) => {
    if (settings.NODE_ENV === 'production' && !settings.PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message:
          'required in production: set it to the origin visitors use (e.g. https://cycles.example.org); Sign-In with Ethereum binds every signature to its host, and without it a client-chosen Host header would be trusted',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The validated settings; throws at first use with every problem listed, naming the variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests and scripts that change settings at run time call this so the next `env()` re-reads them. */
export function resetEnvCache(): void {
  cached = undefined;
}
