/**
 * When the next epoch is expected, from the published ones (newest first): the last publication plus
 * the median gap between publications. Null with fewer than two publications (no schedule to read).
 * @example nextEpochAt(['2026-01-01T02:00:00Z', '2026-01-01T01:00:00Z']) // 2026-01-01T03:00:00Z in ms
 */
export function nextEpochAt(publishedAt: readonly (string | null)[]): number | null {
  const times = publishedAt
    .filter((t): t is string => t !== null)
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => b - a);
  if (times.length < 2) return null;
  const gaps = times.slice(1).map((t, i) => times[i]! - t);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor((gaps.length - 1) / 2)]!;
  return median > 0 ? times[0]! + median : null;
}
