/**
 * Reputation rules (BOINC's adaptive replication): a volunteer's reputation on a kernel is its count
 * of consecutive valid results there (CV); one invalid result resets it to 0. See docs/trust.md.
 */

/** Consecutive valid results on a kernel after which a volunteer is trusted on it. */
export const trustedAfter = 10;

/**
 * CV beyond which the chance of skipping replication stops growing: at most 1 − 1/20 = 95 % of a
 * trusted volunteer's shards go unreplicated, so even the oldest identity is still checked on one
 * shard in twenty (beside its known-answer shards).
 */
export const skipCapCv = 20;

/**
 * How recently a trusted volunteer must have had a result validated on a kernel for newcomers there
 * to need one of them in every quorum.
 */
export const trustedActiveMs = 3_600_000;

/**
 * Largest shard (in work units, 10⁶ operations) the coordinator computes itself to settle a dispute
 * between trusted volunteers: 0.5–2 CPU seconds in the kernels' JavaScript references (mandelbrot,
 * montecarlo), inside the validator's 10 s budget per shard. Each
 * dispute costs the losing side its reputation (ten valid results to earn back), so a trusted bloc
 * cannot make the coordinator compute more than one shard per ten it computed honestly.
 */
export const arbiterMaxWorkUnits = 200;

export function isTrusted(consecutiveValid: number): boolean {
  return consecutiveValid >= trustedAfter;
}

/**
 * The chance that a trusted volunteer's result on a shard of a quorum kernel stands alone:
 * 1 − 1/CV (capped at CV = `skipCapCv`), 0 below `trustedAfter`.
 *
 * @example skipReplicationProbability(10) // 0.9
 */
export function skipReplicationProbability(consecutiveValid: number): number {
  if (!isTrusted(consecutiveValid)) return 0;
  return 1 - 1 / Math.min(consecutiveValid, skipCapCv);
}

/**
 * The chance that a lease request also gets a known-answer shard: `rate` for a volunteer with no
 * reputation on the kernel, falling as rate × 10 / (10 + CV) (a third of it at CV 20).
 */
export function knownAnswerProbability(consecutiveValid: number, rate: number): number {
  return (rate * 10) / (10 + Math.max(0, consecutiveValid));
}
