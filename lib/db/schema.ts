import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  type JobStatus,
  jobStatuses,
  type LeaseState,
  leaseStates,
  type ResultStatus,
  resultStatuses,
  type ShardStatus,
  shardStatuses,
} from '../protocol/states';

export type { JobStatus, LeaseState, ResultStatus, ShardStatus };

/** A CHECK that a status column holds one of the declared states (lib/protocol/states.ts). */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} IN (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}

/** Raw bytes; both PGlite and node-postgres hand `bytea` back as a Uint8Array/Buffer. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** Anonymous identities. The Bearer token is never stored, only its SHA-256. */
export const volunteers = pgTable(
  'volunteers',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    /** The embedding site (widget `data-site`), for attribution; null on our own pages. */
    site: text('site'),
    /** Wallet linked through Sign-In with Ethereum (lower-case hex), once linked. */
    address: text('address'),
    shardsDone: integer('shards_done').notNull().default(0),
    shardsRejected: integer('shards_rejected').notNull().default(0),
    /**
     * Network prefix it registered from (`v4:a.b.c` for a /24, `v6:xxxx:xxxx:xxxx` for a /48); null
     * for loopback or an unknown address. Registrations are rate-limited per prefix.
     */
    networkPrefix: text('network_prefix'),
    /**
     * When it last asked for work (`POST /leases`), written at most every few seconds: who is
     * donating now, across every coordinator process (lib/coordinator/volunteers/presence.ts).
     */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('volunteers_token_hash_key').on(t.tokenHash),
    index('volunteers_last_seen_idx').on(t.lastSeenAt).where(sql`${t.lastSeenAt} IS NOT NULL`),
    index('volunteers_address_idx').on(t.address),
    index('volunteers_prefix_created_idx')
      .on(t.networkPrefix, t.createdAt)
      .where(sql`${t.networkPrefix} IS NOT NULL`),
  ],
);

/**
 * Content-addressed, immutable bytes: job inputs, shard inputs, results, job outputs. Deleted by the
 * retention sweep once no job needs them (`deleteUnneededBlobs`), so nothing references a blob with a
 * foreign key: a reference to a deleted blob means "expired". `created_at` is also touched when a
 * later write stores the same bytes again.
 */
export const blobs = pgTable(
  'blobs',
  {
    sha256: text('sha256').primaryKey(),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('blobs_created_idx').on(t.createdAt)],
);

/**
 * Who may read a job's data (inputs, shard inputs, results, output) and see its params:
 * - `public`: anyone (showcases; the blobs are cached publicly).
 * - `private`: its submitter, and a volunteer only for the inputs of a shard it holds a live lease on.
 *   Others see status and progress, never params, inputs or code.
 */
export type JobVisibility = 'public' | 'private';

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => volunteers.id),
    kernel: text('kernel').notNull(),
    params: jsonb('params').notNull(),
    title: text('title'),
    visibility: text('visibility').$type<JobVisibility>().notNull().default('public'),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    replicationMin: integer('replication_min').notNull(),
    replicationMax: integer('replication_max').notNull(),
    shardsTotal: integer('shards_total').notNull(),
    shardsVerified: integer('shards_verified').notNull().default(0),
    shardsFailed: integer('shards_failed').notNull().default(0),
    /** Job input files by name → blob sha256. */
    inputs: jsonb('inputs').$type<Record<string, string>>().notNull(),
    resultSha256: text('result_sha256'),
    resultContentType: text('result_content_type'),
    resultFilename: text('result_filename'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /** Due for assimilation (every shard verified): the assimilator claims it by moving this forward. */
    assembleAfter: timestamp('assemble_after', { withTimezone: true, mode: 'date' }),
    /** When the scheduler last handed out one of its shards: the least recently served job goes first. */
    lastLeasedAt: timestamp('last_leased_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('jobs_status_created_idx').on(t.status, t.createdAt),
    index('jobs_owner_idx').on(t.ownerId),
    index('jobs_assemble_idx').on(t.assembleAfter).where(sql`${t.assembleAfter} IS NOT NULL`),
    check('jobs_status_check', oneOf(t.status, jobStatuses)),
    index('jobs_result_sha256_idx').on(t.resultSha256),
  ],
);

export interface ShardInputRef {
  name: string;
  sha256: string;
  bytes: number;
}

export const shards = pgTable(
  'shards',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    index: integer('index').notNull(),
    kernel: text('kernel').notNull(),
    params: jsonb('params').notNull(),
    inputs: jsonb('inputs').$type<ShardInputRef[]>().notNull(),
    /** The kernel's server-only verification data (`ShardSpec.secret`); never sent to volunteers. */
    secret: jsonb('secret'),
    status: text('status').$type<ShardStatus>().notNull().default('pending'),
    /** Results stored but not yet decided by the validator (they may still complete the quorum). */
    awaiting: integer('awaiting').notNull().default(0),
    /** Due for validation: the validator claims it by moving this forward, and clears it when done. */
    validateAfter: timestamp('validate_after', { withTimezone: true, mode: 'date' }),
    /** Agreeing results needed. */
    quorum: integer('quorum').notNull(),
    /** Results (of any verdict) after which a shard without quorum fails. */
    maxResults: integer('max_results').notNull(),
    /** Results received so far, of any verdict. */
    resultsCount: integer('results_count').notNull().default(0),
    /** Volunteers who reported that computing this shard failed, reputable or not. */
    errorReports: integer('error_reports').notNull().default(0),
    /** Of those, reporters trusted on some kernel (docs/trust.md): only these can fail a job. */
    reputableErrorReports: integer('reputable_error_reports').notNull().default(0),
    /**
     * Adaptive replication: a volunteer trusted on this kernel whose single unproven result may
     * verify the shard alone (set when it leased the first replica and the draw skipped replication).
     */
    trustedVolunteerId: uuid('trusted_volunteer_id'),
    /** Size of the largest group of agreeing, not-invalid results. */
    bestAgreeing: integer('best_agreeing').notNull().default(0),
    canonicalSha256: text('canonical_sha256'),
    workUnits: doublePrecision('work_units').notNull(),
    /**
     * Homogeneous redundancy: replicas must come from one class of adapter because the kernel
     * needs bit-exact agreement that different GPUs need not give (e.g. `wgsl` with exact comparison).
     */
    needsHomogeneous: boolean('needs_homogeneous').notNull().default(false),
    /** The adapter class of the first replica of such a shard; later replicas must match it. */
    adapterClass: text('adapter_class'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('shards_job_index_key').on(t.jobId, t.index),
    index('shards_pending_idx').on(t.kernel, t.createdAt).where(sql`${t.status} = 'pending'`),
    index('shards_job_pending_idx').on(t.jobId, t.index).where(sql`${t.status} = 'pending'`),
    index('shards_validate_idx').on(t.validateAfter).where(sql`${t.validateAfter} IS NOT NULL`),
    check('shards_status_check', oneOf(t.status, shardStatuses)),
    // Who may read a blob: the shards whose inputs name it (`inputs @> [{sha256}]`).
    index('shards_inputs_idx').using('gin', t.inputs.op('jsonb_path_ops')),
  ],
);

export const leases = pgTable(
  'leases',
  {
    id: uuid('id').primaryKey(),
    shardId: uuid('shard_id')
      .notNull()
      .references(() => shards.id),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    volunteerId: uuid('volunteer_id')
      .notNull()
      .references(() => volunteers.id),
    state: text('state').$type<LeaseState>().notNull().default('active'),
    /** Adapter class of the worker (`vendor/architecture`, or `cpu`), from the lease request. */
    adapterClass: text('adapter_class'),
    /** The holder's network prefix at lease time (null: loopback or unknown); replicas of one shard differ in it. */
    networkPrefix: text('network_prefix'),
    /** The holder's linked wallet at lease time; replicas of one shard differ in it. */
    wallet: text('wallet'),
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // Never two replicas of one shard to the same volunteer, enforced by the database itself.
    uniqueIndex('leases_shard_volunteer_key').on(t.shardId, t.volunteerId),
    index('leases_shard_active_idx').on(t.shardId, t.deadline).where(sql`${t.state} = 'active'`),
    index('leases_volunteer_idx').on(t.volunteerId),
    index('leases_job_active_idx').on(t.jobId, t.deadline).where(sql`${t.state} = 'active'`),
    check('leases_state_check', oneOf(t.state, leaseStates)),
  ],
);

export const results = pgTable(
  'results',
  {
    id: uuid('id').primaryKey(),
    leaseId: uuid('lease_id')
      .notNull()
      .references(() => leases.id),
    shardId: uuid('shard_id')
      .notNull()
      .references(() => shards.id),
    volunteerId: uuid('volunteer_id')
      .notNull()
      .references(() => volunteers.id),
    sha256: text('sha256').notNull(),
    status: text('status').$type<ResultStatus>().notNull(),
    /** The kernel's check, once run: `valid` (proven alone) or `plausible` (needs a quorum); null = not yet. */
    checkVerdict: text('check_verdict').$type<'valid' | 'plausible'>(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('results_lease_key').on(t.leaseId),
    index('results_shard_idx').on(t.shardId),
    index('results_volunteer_idx').on(t.volunteerId),
    check('results_status_check', oneOf(t.status, resultStatuses)),
    index('results_sha256_idx').on(t.sha256),
  ],
);

/** The credit ledger: one row per verified, agreeing result; the unique key makes double credit impossible. */
export const credits = pgTable(
  'credits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    resultId: uuid('result_id')
      .notNull()
      .references(() => results.id),
    volunteerId: uuid('volunteer_id')
      .notNull()
      .references(() => volunteers.id),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    site: text('site'),
    workUnits: doublePrecision('work_units').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('credits_result_key').on(t.resultId), index('credits_volunteer_idx').on(t.volunteerId)],
);

/**
 * Reputation per volunteer and kernel (BOINC's consecutive-valid count): +1 for every valid result,
 * reset to 0 by one invalid result. Trusted at ≥ 10 (docs/trust.md).
 */
export const reputations = pgTable(
  'reputations',
  {
    volunteerId: uuid('volunteer_id')
      .notNull()
      .references(() => volunteers.id),
    kernel: text('kernel').notNull(),
    consecutiveValid: integer('consecutive_valid').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.volunteerId, t.kernel] }),
    index('reputations_kernel_trusted_idx').on(t.kernel, t.updatedAt),
  ],
);

/**
 * Single-use Sign-In with Ethereum nonces. A nonce belongs to the volunteer that asked for it,
 * expires after a few minutes and is consumed by the first successful sign-in, so a signed message
 * can link a wallet once and never be replayed.
 */
export const siweNonces = pgTable(
  'siwe_nonces',
  {
    nonce: text('nonce').primaryKey(),
    volunteerId: uuid('volunteer_id')
      .notNull()
      .references(() => volunteers.id),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Set when a sign-in consumed it; a used nonce is never accepted again. */
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('siwe_nonces_volunteer_idx').on(t.volunteerId)],
);

/**
 * Reward epoch status:
 * - `publishing`: root and leaves are recorded, the `publishRoot` transaction may or may not have
 *   reached the chain (moved on by the epoch closer, which reconciles with the contract and
 *   resends the same root when the chain does not have it).
 * - `published`: the chain holds this epoch's root (terminal; `tx_hash` names the transaction).
 */
export type RewardEpochStatus = 'publishing' | 'published';

/** One Merkle root of cumulative credit per address, numbered as on the distributor contract. */
export const rewardEpochs = pgTable('reward_epochs', {
  /** The contract's `epoch`: strictly increasing, the same number on chain and here. */
  epoch: integer('epoch').primaryKey(),
  status: text('status').$type<RewardEpochStatus>().notNull(),
  root: text('root').notNull(),
  /** Sum of all leaves' cumulative amounts, token units (18 decimals). */
  total: numeric('total', { precision: 78, scale: 0 }).notNull(),
  leafCount: integer('leaf_count').notNull(),
  /** Legacy: token units per work unit when credit itself paid (before paid jobs); now always 0. */
  rate: numeric('rate', { precision: 78, scale: 0 }).notNull(),
  /** Operator grants minted with this root (token units). */
  grants: numeric('grants', { precision: 78, scale: 0 }).notNull().default('0'),
  /** The last `publishRoot` transaction sent for this epoch (set before waiting for its receipt). */
  txHash: text('tx_hash'),
  /** A process sending this epoch's root holds it until then, so two processes never send at once. */
  sendingUntil: timestamp('sending_until', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
});

/** The leaves of each epoch's tree: everything needed to recompute its root or a proof. */
export const rewardLeaves = pgTable(
  'reward_leaves',
  {
    epoch: integer('epoch')
      .notNull()
      .references(() => rewardEpochs.epoch),
    /** Lower-case hex address. */
    address: text('address').notNull(),
    /** Token units (18 decimals) ever earned by this address; never lower than in an earlier epoch. */
    cumulative: numeric('cumulative', { precision: 78, scale: 0 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.epoch, t.address] }), index('reward_leaves_address_idx').on(t.address)],
);

/**
 * Kinds of money movement in the ledger (token units, 18 decimals):
 * - `deposit`: tokens deposited into the distributor by `address` (read from a chain event).
 * - `grant`: balance granted to `address` by an operator; minted with the epoch in `epoch`.
 * - `withdrawal`: unreserved balance of `address` moved to what it can claim.
 * - `payment`: what a verified result of a paid job earned `volunteer_id` (after the fee).
 * - `fee`: the protocol fee on that result, earned by the treasury `address`.
 */
export const ledgerEntryKinds = ['deposit', 'grant', 'withdrawal', 'payment', 'fee'] as const;
export type LedgerEntryKind = (typeof ledgerEntryKinds)[number];

/**
 * The money ledger, append-only. `key` makes every movement happen at most once, whoever writes it
 * and however often: `deposit:<tx hash>:<n>`, `grant:<uuid>`, `withdrawal:<uuid>`,
 * `payment:<result id>`, `fee:<result id>`.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    kind: text('kind').$type<LedgerEntryKind>().notNull(),
    /** The account (lower-case address): depositor, grantee, withdrawer, or the fee's treasury. */
    address: text('address'),
    /** The earning volunteer of a `payment`. */
    volunteerId: uuid('volunteer_id').references(() => volunteers.id),
    jobId: uuid('job_id').references(() => jobs.id),
    resultId: uuid('result_id').references(() => results.id),
    amount: numeric('amount', { precision: 78, scale: 0 }).notNull(),
    /** Grants: the reward epoch that mints them (null until an epoch is recorded). */
    epoch: integer('epoch'),
    /** Deposits: where on chain the event was read (kept to notice re-orgs). */
    blockNumber: numeric('block_number', { precision: 78, scale: 0 }),
    blockHash: text('block_hash'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ledger_entries_key').on(t.key),
    index('ledger_entries_address_idx').on(t.address, t.kind),
    index('ledger_entries_volunteer_idx').on(t.volunteerId),
    index('ledger_entries_job_idx').on(t.jobId),
    check('ledger_entries_kind_check', oneOf(t.kind, ledgerEntryKinds)),
  ],
);

/**
 * Payment state of a paid job:
 * - `open`: the reservation is held; verified results are paid from it (moved on when the job
 *   completes, fails or is cancelled).
 * - `settled`: the job ended; `refunded` (reserved − spent) went back to the payer's balance (terminal).
 */
export const jobPaymentStatuses = ['open', 'settled'] as const;
export type JobPaymentStatus = (typeof jobPaymentStatuses)[number];

/** The reservation of each paid job (unpaid jobs have no row). */
export const jobPayments = pgTable(
  'job_payments',
  {
    jobId: uuid('job_id')
      .primaryKey()
      .references(() => jobs.id),
    /** The paying account (lower-case address linked to the submitter). */
    payer: text('payer').notNull(),
    /** Token units per work unit. */
    pricePerWorkUnit: numeric('price_per_work_unit', { precision: 78, scale: 0 }).notNull(),
    /** Protocol fee in basis points of each payment, fixed at creation. */
    feeBps: integer('fee_bps').notNull(),
    /** The worst case held at creation: Σ floor(price × shard work units) × replication.max. */
    reserved: numeric('reserved', { precision: 78, scale: 0 }).notNull(),
    /** Paid out so far (volunteers' earnings plus fees). */
    spent: numeric('spent', { precision: 78, scale: 0 }).notNull().default('0'),
    status: text('status').$type<JobPaymentStatus>().notNull().default('open'),
    /** Returned to the payer when the job ended. */
    refunded: numeric('refunded', { precision: 78, scale: 0 }),
    settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('job_payments_payer_idx').on(t.payer, t.status),
    check('job_payments_status_check', oneOf(t.status, jobPaymentStatuses)),
  ],
);

/** How far the coordinator has read a chain event stream (deposits), with the block's hash to notice re-orgs. */
export const chainCursors = pgTable('chain_cursors', {
  name: text('name').primaryKey(),
  blockNumber: numeric('block_number', { precision: 78, scale: 0 }).notNull(),
  blockHash: text('block_hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
