/**
 * The volunteer's throttle: a GPU duty cycle. At duty d the GPU computes a fraction d of wall time,
 * so a shard that computed for t ms is followed by t·(1−d)/d ms of idle. Pure math plus a tiny
 * stateful helper, so the rule is unit-tested without timers and the e2e test measures with the
 * same definition the client enforces.
 */

/** The lowest duty the UI offers: below 10 % a shard's fixed costs dominate. */
export const MIN_DUTY = 0.1;
export const MAX_DUTY = 1;

/** Clamps a requested duty into [10 %, 100 %]; NaN (a cleared input) means full speed. */
export function clampDuty(duty: number): number {
  if (Number.isNaN(duty)) return MAX_DUTY;
  return Math.min(MAX_DUTY, Math.max(MIN_DUTY, duty));
}

/**
 * Idle owed after `computeMs` of compute at duty `duty`: t·(1−d)/d.
 * @example idleMsAfter(30, 0.3) // 70: 30 ms of compute in every 100 ms
 */
export function idleMsAfter(computeMs: number, duty: number): number {
  const d = clampDuty(duty);
  return (Math.max(0, computeMs) * (1 - d)) / d;
}

/** Default span over which the duty cycle is kept: long enough to even out timer jitter. */
export const DEFAULT_THROTTLE_WINDOW_MS = 3000;

/**
 * Enforces the duty cycle over a sliding window: the next shard may start once the compute of the
 * shards that started in the last `windowMs` is at most d of the time since the first of them
 * started. With one shard in the window this is exactly "idle t·(1−d)/d after a shard of t ms";
 * with several, an idle that ran long (timers fire late, inputs arrived late) is made up by a
 * shorter next one, so the duty measured over the window stays at d instead of drifting below it.
 * Time before the window earns no credit, so after a pause or a wait for work the GPU does not
 * burst. Changing the duty applies to the idle still owed.
 */
export class DutyCycleThrottle {
  private duty: number;
  /** Recent shards, oldest first: when each started and how long it computed. */
  private shards: { startedAt: number; ms: number }[] = [];

  constructor(
    duty: number = MAX_DUTY,
    private readonly windowMs = DEFAULT_THROTTLE_WINDOW_MS,
  ) {
    this.duty = clampDuty(duty);
  }

  get dutyCycle(): number {
    return this.duty;
  }

  setDuty(duty: number): void {
    this.duty = clampDuty(duty);
  }

  /** Records a shard's compute time; `endedAt` is on the same clock later passed to `idleRemaining`. */
  recordCompute(computeMs: number, endedAt: number): void {
    const ms = Math.max(0, computeMs);
    this.shards.push({ startedAt: endedAt - ms, ms });
  }

  /** Milliseconds to wait at `now` before the next shard may start (0 when none is owed). */
  idleRemaining(now: number): number {
    // Keep the latest shard always: its own idle is owed however long it ran.
    while (this.shards.length > 1 && this.shards[0]!.startedAt < now - this.windowMs) this.shards.shift();
    const first = this.shards[0];
    if (!first) return 0;
    let busy = 0;
    for (const shard of this.shards) busy += shard.ms;
    return Math.max(0, first.startedAt + busy / this.duty - now);
  }

  /** Forget past shards: after a pause the idle owed has long been served. */
  reset(): void {
    this.shards = [];
  }
}

/** A compute interval on one clock (ms). */
export interface ComputeInterval {
  startedAt: number;
  finishedAt: number;
}

/**
 * The duty cycle a run of shards achieved: compute time of all but the last shard divided by the
 * time from the first shard's start to the last one's start (whole compute+idle cycles only, so a
 * run at duty d measures d exactly however long the shards were). Null with fewer than two shards.
 * @example measureDutyCycle([{startedAt: 0, finishedAt: 30}, {startedAt: 100, finishedAt: 130}]) // 0.3
 */
export function measureDutyCycle(intervals: readonly ComputeInterval[]): number | null {
  if (intervals.length < 2) return null;
  const sorted = [...intervals].sort((a, b) => a.startedAt - b.startedAt);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const span = last.startedAt - first.startedAt;
  if (span <= 0) return null;
  let busy = 0;
  for (const interval of sorted.slice(0, -1)) busy += interval.finishedAt - interval.startedAt;
  return busy / span;
}
