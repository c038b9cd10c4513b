/**
 * What paid work costs, in token units (10⁻¹⁸ CYCLE), computed exactly with bigints. Pure: the
 * coordinator charges with it and the job form estimates with it, so both always agree.
 */

/**
 * The exact decimal text of a work-unit count as stored (a float8): JavaScript's shortest
 * round-trip form with any exponent expanded, so `1e-7` becomes `0.0000001`.
 */
export function decimalWorkUnits(workUnits: number): string {
  if (!Number.isFinite(workUnits) || workUnits < 0) {
    throw new RangeError(`work units must be a finite non-negative number, got ${workUnits}`);
  }
  const text = String(workUnits);
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const digits = match[1]! + (match[2] ?? '');
  const point = match[1]!.length + Number(match[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * What one result of `workUnits` costs at `price` token units per work unit: `floor(price × workUnits)`,
 * exactly (bigint arithmetic on the decimal text). Rounding down means nobody pays or earns more
 * than the price says, and the sum of per-result costs never exceeds the reservation.
 *
 * @example
 * workUnitsCost(0.004096, 10n ** 15n); // 4096000000000n
 */
export function workUnitsCost(workUnits: number, price: bigint): bigint {
  const [whole, fraction = ''] = decimalWorkUnits(workUnits).split('.');
  return (BigInt(whole! + fraction) * price) / 10n ** BigInt(fraction.length);
}

/** The protocol fee on `amount` at `feeBps` basis points, rounded down. */
export function protocolFee(amount: bigint, feeBps: number): bigint {
  return (amount * BigInt(feeBps)) / 10_000n;
}

/**
 * The worst-case cost of a paid job: every shard paid for as many results as it may receive,
 * Σ floor(price × shard work units) × max results — at most price × work units × replication.max.
 */
export function jobReservation(
  price: bigint,
  shards: readonly { workUnits: number; maxResults: number }[],
): bigint {
  let total = 0n;
  for (const shard of shards) total += workUnitsCost(shard.workUnits, price) * BigInt(shard.maxResults);
  return total;
}
