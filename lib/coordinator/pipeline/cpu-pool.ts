import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { env } from '../../env';
import type { CpuTaskName, CpuTasks } from './cpu-tasks';

/** A CPU task ran past its time or memory budget; its thread was stopped and replaced. */
export class CpuBudgetError extends Error {
  override readonly name = 'CpuBudgetError';
}

/**
 * Whether `error` is a `CpuBudgetError`, by name: Next may load this module once per route bundle,
 * and the process-wide pool's errors then come from another copy of the class than `instanceof`
 * would test against.
 */
export function isCpuBudgetError(error: unknown): error is CpuBudgetError {
  return error instanceof Error && error.name === 'CpuBudgetError';
}

/** A task threw inside its worker thread (the kernel's own error, by name and message). */
export class CpuTaskError extends Error {
  override readonly name = 'CpuTaskError';
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  id: number;
  task: CpuTaskName;
  payload: unknown;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy?: { job: Pending; timer: ReturnType<typeof setTimeout> | undefined };
}

const bootFile = path.join(process.cwd(), 'lib/coordinator/pipeline/cpu-worker-boot.mjs');

/**
 * A fixed pool of worker threads for the coordinator's CPU work — kernel checks and comparisons,
 * assembly, splitting and WGSL reflection — so none of it runs on the event loop that answers
 * requests. Every task has a time budget: a task past it has its thread terminated (the only way to
 * stop a runaway loop) and replaced, and its caller gets a `CpuBudgetError`. A thread's heap is
 * capped, so an input that explodes memory kills one thread, not the server.
 */
export class CpuPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly heapMb = 1024,
  ) {}

  run<K extends CpuTaskName>(
    task: K,
    payload: Parameters<CpuTasks[K]>[0],
    options: { timeoutMs: number },
  ): Promise<Awaited<ReturnType<CpuTasks[K]>>> {
    if (this.closed) return Promise.reject(new Error('the CPU pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        payload,
        timeoutMs: options.timeoutMs,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the CPU pool is closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      this.dispatch(slot, job);
    }
  }

  private dispatch(slot: Slot, job: Pending): void {
    // The budget counts from when the thread can start the task, not from the thread's own start-up.
    slot.busy = { job, timer: undefined };
    slot.ready.then(
      () => {
        if (slot.busy?.job !== job) return;
        slot.busy.timer = setTimeout(() => {
          this.replace(slot, new CpuBudgetError(`${job.task} ran past its budget of ${job.timeoutMs} ms`));
        }, job.timeoutMs);
        slot.worker.postMessage({ id: job.id, task: job.task, payload: job.payload });
      },
      () => {},
    );
  }

  private spawn(): Slot {
    // Not `new Worker(…)`: bundlers would try to bundle the boot file (and tsx with it); Node loads
    // it from disk at run time instead.
    const worker: Worker = Reflect.construct(Worker, [
      bootFile,
      { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } },
    ]);
    worker.unref();
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const slot: Slot = { worker, ready };
    worker.on(
      'message',
      (message: {
        ready?: true;
        id?: number;
        ok?: boolean;
        value?: unknown;
        error?: { name: string; message: string };
      }) => {
        if (message.ready) {
          markReady();
          return;
        }
        const busy = slot.busy;
        if (!busy || busy.job.id !== message.id) return;
        clearTimeout(busy.timer);
        slot.busy = undefined;
        if (message.ok) busy.job.resolve(message.value);
        else
          busy.job.reject(
            new CpuTaskError(message.error?.name ?? 'Error', message.error?.message ?? 'failed'),
          );
        this.pump();
      },
    );
    worker.on('error', (error) => {
      const reason =
        (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new CpuBudgetError(
              `${slot.busy?.job.task ?? 'task'} ran out of its ${this.heapMb} MB memory budget`,
            )
          : error;
      this.replace(slot, reason);
    });
    worker.on('exit', () => {
      if (this.slots.includes(slot)) this.replace(slot, new Error('a CPU worker thread exited'));
    });
    this.slots.push(slot);
    return slot;
  }

  /** Stops a slot's thread (stuck, crashed or out of memory), fails its task and moves on. */
  private replace(slot: Slot, reason: Error): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const busy = slot.busy;
    slot.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.job.reject(reason);
    }
    void slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}

/** Threads for CPU work: PIPELINE_THREADS, or one fewer than the cores (the event loop keeps one). */
export function defaultPoolSize(configured?: number): number {
  return configured ?? Math.max(1, Math.min(8, availableParallelism() - 1));
}

const globalKey = Symbol.for('spare-cycles.cpu-pool');
type GlobalWithPool = typeof globalThis & { [globalKey]?: CpuPool };

/** The process-wide pool (one per process, however many route bundles import this module). */
export function getCpuPool(): CpuPool {
  const g = globalThis as GlobalWithPool;
  g[globalKey] ??= new CpuPool(defaultPoolSize(env().PIPELINE_THREADS));
  return g[globalKey];
}
