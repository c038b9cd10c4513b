/**
 * Every state a job, shard, lease or result can be in, declared once. The zod schemas of the API,
 * the Drizzle column types and the database CHECK constraints are all built from these lists.
 * One line per value says what it means and who moves it on (BOINC `boinc_db_types.h` style).
 */

export const jobStatuses = [
  /** Created, no shard leased yet; the scheduler moves it to `running` at the first lease. */
  'queued',
  /** At least one shard leased; the validator completes or fails it. */
  'running',
  /** Every shard verified and the output assembled (terminal; set by the assimilator). */
  'completed',
  /** A shard could not be verified within `replication.max` results or error reports (terminal; validator or lease release). */
  'failed',
  /** Cancelled by its owner (terminal; `DELETE /api/v1/jobs/{id}`). */
  'cancelled',
] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const shardStatuses = [
  /** Needs more agreeing results: leasable while live leases + unvalidated results + agreeing < quorum. */
  'pending',
  /** A quorum agreed (or a self-verifying check proved one result); `canonical_sha256` is the result (terminal; validator). */
  'verified',
  /** `replication.max` results without a quorum, or as many error reports (terminal; fails the job). */
  'failed',
  /** Its job was cancelled (terminal). */
  'cancelled',
] as const;
export type ShardStatus = (typeof shardStatuses)[number];

export const leaseStates = [
  /** Handed out; valid until `deadline` (after that it counts as expired without a write). */
  'active',
  /** A result was stored for it (the validator decides the result later). */
  'completed',
  /** Its job was cancelled. */
  'cancelled',
  /** Handed back unfinished by its volunteer (Stop); the shard is offered again. */
  'released',
  /** Its volunteer reported that computing it failed; counts towards the shard's error limit. */
  'failed',
] as const;
export type LeaseState = (typeof leaseStates)[number];

export const resultStatuses = [
  /** Stored; waits for the validator (kernel check, then replicas to agree). */
  'pending',
  /** Proven by the kernel's check or part of the agreeing quorum; credited once (validator). */
  'valid',
  /** Failed the kernel's check or disagreed with the quorum; never credited (validator). */
  'invalid',
] as const;
export type ResultStatus = (typeof resultStatuses)[number];
