/**
 * The credit unit every kernel reports in: one work unit is 10⁶ elementary operations (1 MFLOP
 * for float kernels, counting a multiply-add as 2; 32-bit integer operations for hashing), so
 * credit is comparable across kernels. Kept fractional, never rounded, so even a 1×1×1 shard
 * earns more than zero.
 */
export function opsToWorkUnits(ops: number): number {
  return ops / 1e6;
}
