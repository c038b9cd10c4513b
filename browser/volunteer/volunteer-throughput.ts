/**
 * Throughput over a sliding window: shards per second and work units per second, the figures the
 * donate page charts. The rate is taken over the part of the window the volunteer has actually been
 * running, so the first seconds do not read as a slow start.
 */
export interface Throughput {
  shardsPerSecond: number;
  workPerSecond: number;
  /** The span the rates were taken over (ms). */
  windowMs: number;
}

export class ThroughputWindow {
  private readonly samples: { at: number; work: number }[] = [];
  private since: number | null = null;

  constructor(private readonly windowMs = 30_000) {}

  /** Marks when running began (or resumed); time before it does not dilute the rate. */
  begin(now: number): void {
    this.since = now;
  }

  record(at: number, workUnits: number): void {
    this.samples.push({ at, work: workUnits });
    this.prune(at);
  }

  rate(now: number): Throughput {
    this.prune(now);
    const from = Math.max(now - this.windowMs, this.since ?? now - this.windowMs);
    const span = Math.max(1, now - from);
    let shards = 0;
    let work = 0;
    for (const sample of this.samples) {
      if (sample.at < from) continue;
      shards++;
      work += sample.work;
    }
    return { shardsPerSecond: (shards * 1000) / span, workPerSecond: (work * 1000) / span, windowMs: span };
  }

  private prune(now: number): void {
    while (this.samples.length > 0 && this.samples[0]!.at < now - this.windowMs) this.samples.shift();
  }
}
