/** One observation of a job's verified-shard count, on the browser's clock. */
export interface ProgressSample {
  at: number;
  verified: number;
}

/**
 * Milliseconds until every remaining shard is verified, at the rate shards were verified while the
 * page watched (the first and latest samples), or null when there is no rate yet. Before the page
 * has seen progress it falls back to the job's average since it was created, so a page opened on a
 * half-done job shows an estimate at once.
 */
export function estimateEta(options: {
  samples: readonly ProgressSample[];
  total: number;
  verified: number;
  failed: number;
  createdAt: number;
  now: number;
}): number | null {
  const remaining = options.total - options.verified - options.failed;
  if (remaining <= 0) return 0;
  const first = options.samples[0];
  const last = options.samples.at(-1);
  if (first && last && last.verified > first.verified && last.at > first.at) {
    const rate = (last.verified - first.verified) / (last.at - first.at);
    return remaining / rate;
  }
  const elapsed = options.now - options.createdAt;
  if (options.verified > 0 && elapsed > 0) return remaining / (options.verified / elapsed);
  return null;
}
