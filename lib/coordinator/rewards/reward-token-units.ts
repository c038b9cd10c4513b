/**
 * Converts verified credit to token units: `floor(workUnits × rate)`, exactly.
 *
 * `workUnits` is the decimal text of a Postgres `numeric` sum (credit rows are summed as
 * `work_units::numeric`, so the sum does not depend on row order the way a float sum would), and
 * the product is taken in bigint arithmetic: the same credit always gives the same amount, and
 * more credit never gives less. Rounding down means no address is ever paid more than it earned.
 *
 * @example
 * rewardTokenUnits('0.524288', 10n ** 15n); // 524288000000000n (0.000524288 CYCLE)
 */
export function rewardTokenUnits(workUnits: string, rate: bigint): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(workUnits.trim());
  if (!match) throw new RangeError(`work units must be a non-negative decimal, got "${workUnits}"`);
  if (rate < 0n) throw new RangeError(`the rate must not be negative, got ${rate}`);
  const fraction = match[2] ?? '';
  const scaled = BigInt(match[1]! + fraction); // workUnits × 10^fraction.length
  return (scaled * rate) / 10n ** BigInt(fraction.length);
}
