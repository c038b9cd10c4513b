/**
 * Exponential backoff for transient failures (network down, 5xx, 429): base·2^attempt capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so a coordinator that comes back is not
 * hit by every volunteer at the same instant, while the wait never drops below half the step.
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 60000 }, () => 1) // 8000
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return step / 2 + (step / 2) * random();
}
