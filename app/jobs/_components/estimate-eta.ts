/** One observation of a job's verified-shard count, on the browser's clock. */
export interface ProgressSample {
  at: number;
  verified: number;
}

/** Estimates look at the last minute only: an old burst must not promise a fast finish now. */
export const RECENT_WINDOW_MS = 60_000;

/**
 * Shards verified per second over the recent window, measured up to `now` (so the rate decays while
 * nothing is verified instead of repeating the last burst), or null when the page has not watched
 * long enough to tell (under a second).
 */
export function recentRate(
  samples: readonly ProgressSample[],
  now: number,
  windowMs = RECENT_WINDOW_MS,
): number | null {
  if (samples.length === 0) return null;
  const since = now - windowMs;
  // The baseline is the newest sample at or before the window's start, else the oldest one seen.
  let base = samples[0]!;
  for (const sample of samples) {
    if (sample.at <= since) base = sample;
    else break;
  }
  const last = samples.at(-1)!;
  const span = now - Math.max(base.at, since);
  if (span < 1000) return null;
  return Math.max(0, last.verified - base.verified) / (span / 1000);
}

/**
 * Milliseconds until every remaining shard is verified at the recent rate (`recentRate`); 0 when
 * nothing remains; null when nothing was verified recently (the page then says what the job waits
 * for rather than guessing).
 */
export function estimateEta(options: {
  samples: readonly ProgressSample[];
  total: number;
  verified: number;
  failed: number;
  now: number;
  windowMs?: number;
}): number | null {
  const remaining = options.total - options.verified - options.failed;
  if (remaining <= 0) return 0;
  const rate = recentRate(options.samples, options.now, options.windowMs);
  if (!rate) return null;
  return (remaining / rate) * 1000;
}
