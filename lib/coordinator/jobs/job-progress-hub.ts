import type { Queryable } from '../../db/client';
import type { JobSummary } from '../../protocol/jobs';
import { getJobsByIds } from './get-job';

type Listener = (summary: JobSummary) => void;

/**
 * One database poll per process for every job anyone is watching: each tick reads all watched
 * jobs' summaries in two queries and hands each watcher its job's summary when it changed. So the
 * cost of live progress grows with the number of distinct jobs watched per tick, not with the
 * number of open streams (200 watchers of one job cost what one does). Polling, rather than an
 * in-process emitter, keeps it right when many coordinator processes share one Postgres.
 */
export class JobProgressHub {
  private readonly watchers = new Map<string, Set<Listener>>();
  private readonly last = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;

  constructor(
    private readonly getDb: () => Promise<Queryable>,
    readonly pollMs = 500,
  ) {}

  /** Calls `listener` with the job's summary now and whenever it changes; returns the unsubscribe. */
  watch(jobId: string, listener: Listener): () => void {
    let set = this.watchers.get(jobId);
    if (!set) {
      set = new Set();
      this.watchers.set(jobId, set);
    }
    set.add(listener);
    const cached = this.last.get(jobId);
    if (cached) listener(JSON.parse(cached) as JobSummary);
    this.schedule(0);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.watchers.delete(jobId);
        this.last.delete(jobId);
      }
    };
  }

  /** Open watchers across all jobs (for operators). */
  get size(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  private schedule(delay: number): void {
    if (this.timer || this.polling || this.watchers.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    this.polling = true;
    try {
      const ids = [...this.watchers.keys()];
      const summaries = await getJobsByIds(await this.getDb(), ids);
      for (const summary of summaries) {
        const data = JSON.stringify(summary);
        if (this.last.get(summary.jobId) === data) continue;
        const listeners = this.watchers.get(summary.jobId);
        if (!listeners) continue;
        this.last.set(summary.jobId, data);
        for (const listener of listeners) listener(summary);
      }
    } catch (error) {
      console.error('job progress poll failed:', error instanceof Error ? error.message : error);
    } finally {
      this.polling = false;
      this.schedule(this.pollMs);
    }
  }
}

const globalKey = Symbol.for('spare-cycles.job-progress-hub');
type GlobalWithHub = typeof globalThis & { [globalKey]?: JobProgressHub };

/** The process-wide hub (Next may load this module once per route bundle). */
export function getJobProgressHub(getDb: () => Promise<Queryable>): JobProgressHub {
  const g = globalThis as GlobalWithHub;
  g[globalKey] ??= new JobProgressHub(getDb);
  return g[globalKey];
}
