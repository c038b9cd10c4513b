import { type ApiContext, ApiRequestError } from '@/lib/api/api-call';
import { fetchMe, releaseLease, reportLeaseError } from '@/lib/api/volunteer-api';
import type { VolunteerMe } from '@/lib/protocol/volunteers';
import type { AdapterSummary, ComputeWorkerApi } from '@/workers/compute-api';
import { BlobCache, cacheStorageBlobStore, type PersistentBlobStore } from './blob-cache';
import { IdentityKeeper } from './identity-keeper';
import { usableLocalStorage } from './identity-storage';
import { LeaseQueue, type WorkItem } from './lease-queue';
import { ResultOutbox, type SubmittedEvent } from './result-outbox';
import { DutyCycleThrottle } from './throttle';
import { backoffDelay } from './volunteer-backoff';
import { browserRunConditions, type PauseReason, type RunConditions } from './volunteer-conditions';
import { TypedEmitter } from './volunteer-emitter';
import type { IdentityStorage, VolunteerIdentity } from './volunteer-identity';
import { type Throughput, ThroughputWindow } from './volunteer-throughput';
import { shardWorkUnits } from './volunteer-work-units';

/**
 * The volunteer loop of the browser runtime, framework-free so the donate page and the embeddable
 * widget share it: register once, lease shards in batches (prefetching the next batch while this
 * one computes), fetch and verify inputs, compute through the Comlink worker, submit results in
 * batches, honour the throttle and pause conditions, and report what happens as events.
 *
 * Consent: nothing is registered, leased or computed, and no worker is created, before `start()`.
 */

/**
 * - `idle`: created, never started; nothing has happened on the network.
 * - `starting`: `start()` was called: registering and initialising the compute worker.
 * - `running`: leasing and computing (or waiting for work when there is none).
 * - `paused`: started, but the tab is hidden or the battery is low; resumes by itself.
 * - `stopped`: `stop()` was called (or a fatal error happened); `start()` again to resume.
 */
export type VolunteerState = 'idle' | 'starting' | 'running' | 'paused' | 'stopped';

/** One shard computed (not yet verified: its result was queued for submission). */
export interface ShardDoneEvent {
  leaseId: string;
  jobId: string;
  shardId: string;
  kernel: string;
  /** Compute time as the client saw it (the worker round trip), the figure the throttle uses. */
  ms: number;
  /** Time on the GPU from timestamp queries, when the adapter has them. */
  gpuMs: number | null;
  /** On the client's clock (`performance.now()` by default). */
  startedAt: number;
  finishedAt: number;
  /** Credit the shard earns once verified (the kernel's work units). */
  workUnits: number;
}

/** Where something went wrong; the client keeps going unless `fatal`. */
export type VolunteerErrorKind = 'register' | 'init' | 'lease' | 'blob' | 'compute' | 'submit' | 'credit';

export interface VolunteerErrorEvent {
  kind: VolunteerErrorKind;
  message: string;
  /** The error's name (`DeviceLostError`, `ShardTimeoutError`, `KernelError`, `BlobIntegrityError`, …). */
  name?: string;
  /** The API's error code, for HTTP failures. */
  code?: string;
  leaseId?: string;
  kernel?: string;
  /** True when the client stopped because of it. */
  fatal: boolean;
}

export interface VolunteerEvents {
  state: { state: VolunteerState; pauseReason: PauseReason | null };
  adapter: AdapterSummary;
  shard: ShardDoneEvent;
  submitted: SubmittedEvent;
  /** Emitted every second while started, and after each shard. */
  throughput: Throughput;
  /** From `GET /api/v1/volunteers/me`, every `creditIntervalMs` while started. */
  credit: VolunteerMe;
  /** The coordinator has no work for us; the next lease request goes out in `retryInMs`. */
  noWork: { retryInMs: number };
  error: VolunteerErrorEvent;
}

/** Creates the compute backend: the page creates the Comlink worker here, on the Donate click. */
export type ComputeFactory = () => ComputeWorkerApi | Promise<ComputeWorkerApi>;

export interface VolunteerClientOptions {
  /** Called on `start()` (never before); tests pass a fake backend. */
  createCompute: ComputeFactory;
  /** Called once the client is done with a backend after `stop()` (the page terminates the worker). */
  releaseCompute?: (compute: ComputeWorkerApi) => void;
  /** Coordinator origin; '' (default) means the page's own. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /**
   * Where the identity is kept; default `localStorage` when the browser lets this document use it,
   * else nowhere (memory only: credit accrues for this visit). See identity-storage.ts.
   */
  storage?: IdentityStorage | null;
  /** The embedding site's name (widget), for attribution; also selects the stored identity. */
  site?: string;
  /** Only lease these kernels (default: any the worker can run). */
  kernels?: string[];
  /** Ask the worker for its CPU fallback even when WebGPU exists. */
  forceCpu?: boolean;
  /** Initial duty cycle, 0.1–1 (default 1). */
  duty?: number;
  /** Pause conditions; default the page's visibility and battery. */
  conditions?: RunConditions;
  /** Monotonic clock in ms; default `performance.now()`. */
  now?: () => number;
  creditIntervalMs?: number;
  throughputWindowMs?: number;
  /** Lease batches are sized to keep about `targetMs` of work queued, within [1, max]. */
  batch?: { initial?: number; max?: number; targetMs?: number };
  backoff?: { baseMs: number; maxMs: number };
  /** How long `stop()` lets a shard already on the GPU finish so its result is not lost (ms). */
  stopGraceMs?: number;
  blobCacheBytes?: number;
  /**
   * Where inputs a kernel marks persistent (an `onnx` model) are kept across visits: default Cache
   * Storage where the browser has it; null for memory only (tests).
   */
  persistentBlobs?: PersistentBlobStore | null;
}

/** One start…stop span; everything it started is cancelled through `controller`. */
interface Session {
  stopped: boolean;
  controller: AbortController;
  /** Set once `createCompute` returned; null while starting. */
  compute: ComputeWorkerApi | null;
  loop: Promise<void>;
  /** Rejects when `stop()` gives up on a shard still computing after the grace period. */
  abandoned: Promise<never>;
  abandon: () => void;
  cleanups: (() => void)[];
}

class Abandoned extends Error {
  override readonly name = 'Abandoned';
}

/** Transient failures are retried after 1 s, 2 s, 4 s … up to a minute. */
const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 60_000 };
/** The longest the client lets one shard compute before the worker gives up on it. */
const MAX_SHARD_MS = 120_000;

/**
 * The volunteer client.
 * @example
 * const client = new VolunteerClient({ createCompute: () => Comlink.wrap(new Worker(url, { type: 'module' })) });
 * client.on('shard', (s) => console.log(s.kernel, s.ms));
 * await client.start();
 * client.setDuty(0.3);
 * await client.stop();
 */
export class VolunteerClient {
  private readonly events = new TypedEmitter<VolunteerEvents>();
  private readonly options: VolunteerClientOptions;
  private readonly api: ApiContext;
  private readonly identities: IdentityKeeper;
  private readonly blobs: BlobCache;
  private readonly throttle: DutyCycleThrottle;
  private readonly throughputWindow: ThroughputWindow;
  private readonly now: () => number;
  private readonly conditions: RunConditions;

  private currentState: VolunteerState = 'idle';
  private currentPause: PauseReason | null = null;
  private adapterSummary: AdapterSummary | null = null;
  private session: Session | null = null;
  private stopping: Promise<void> | null = null;

  private readonly leases: LeaseQueue;

  private readonly outbox: ResultOutbox;

  private readonly wakers = new Set<() => void>();
  private shardCount = 0;

  constructor(options: VolunteerClientOptions) {
    this.options = options;
    const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    this.api = { baseUrl: options.baseUrl ?? '', fetch: fetchFn };
    this.identities = new IdentityKeeper(
      this.api,
      options.storage !== undefined ? options.storage : usableLocalStorage(),
      options.site,
    );
    this.blobs = new BlobCache({
      fetch: fetchFn,
      maxBytes: options.blobCacheBytes,
      persistent:
        options.persistentBlobs !== undefined
          ? (options.persistentBlobs ?? undefined)
          : cacheStorageBlobStore(),
    });
    this.leases = new LeaseQueue({
      api: this.api,
      blobs: this.blobs,
      now: () => this.now(),
      batch: options.batch ?? {},
      kernels: options.kernels,
      duty: () => this.throttle.dutyCycle,
      adapter: () => this.adapterSummary,
      paused: () => this.conditions.pauseReason() !== null,
      backoff: (attempt) => backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF),
      ensureIdentity: (session) => this.ensureIdentity(session as Session),
      forgetIdentity: (identity) => this.forgetIdentity(identity),
      sleepUntil: (deadline, session) => this.sleepUntil(deadline, session as Session),
      noWork: (retryInMs) => this.events.emit('noWork', { retryInMs }),
      error: (error) => this.reportError('lease', error),
    });
    this.outbox = new ResultOutbox({
      api: this.api,
      identity: () => this.identities.current(),
      forgetIdentity: (identity) => this.forgetIdentity(identity),
      now: () => this.now(),
      backoff: (attempt) => backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF),
      submitted: (answer) => this.events.emit('submitted', answer),
      error: (error, context) => this.reportError('submit', error, context),
    });
    this.throttle = new DutyCycleThrottle(options.duty ?? 1);
    this.throughputWindow = new ThroughputWindow(options.throughputWindowMs);
    this.now = options.now ?? (() => performance.now());
    this.conditions = options.conditions ?? browserRunConditions();
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof VolunteerEvents>(type: K, listener: (payload: VolunteerEvents[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  get state(): VolunteerState {
    return this.currentState;
  }

  get pauseReason(): PauseReason | null {
    return this.currentPause;
  }

  get adapter(): AdapterSummary | null {
    return this.adapterSummary;
  }

  /** The duty cycle in force, 0.1–1. */
  get duty(): number {
    return this.throttle.dutyCycle;
  }

  /** This browser's volunteer id, once known (stored or registered). */
  get volunteerId(): string | null {
    return this.identities.current()?.volunteerId ?? null;
  }

  /** Keeps the identity in `storage` from now on (the widget, once the Storage Access API granted it). */
  upgradeStorage(storage: IdentityStorage): void {
    this.identities.upgradeStorage(storage);
  }

  /** Shards computed since this client was created. */
  get shardsDone(): number {
    return this.shardCount;
  }

  /** Sets the GPU duty cycle (clamped to 10–100 %); applies to the idle still owed. */
  setDuty(duty: number): void {
    this.throttle.setDuty(duty);
    this.wake();
  }

  /**
   * Starts donating: registers (once per browser), creates and initialises the compute worker,
   * then leases and computes in the background until `stop()`. Resolves once running (or stopped
   * by a fatal error, reported as an `error` event). Calling it while started does nothing.
   */
  async start(): Promise<void> {
    if (this.session) return;
    if (this.stopping) await this.stopping;
    if (this.session) return;
    let abandon: () => void = () => {};
    const abandoned = new Promise<never>((_resolve, reject) => {
      abandon = () => reject(new Abandoned('stopped'));
    });
    abandoned.catch(() => {});
    const session: Session = {
      stopped: false,
      controller: new AbortController(),
      compute: null,
      loop: Promise.resolve(),
      abandoned,
      abandon,
      cleanups: [],
    };
    this.session = session;
    this.leases.reset();
    this.setState('starting', null);

    let compute: ComputeWorkerApi;
    try {
      await this.ensureIdentity(session);
      if (session.stopped) return;
      // A stored token the coordinator no longer knows is found here, before any lease.
      await this.refreshCredit(session.controller.signal);
      if (!this.identities.current()) await this.ensureIdentity(session);
      if (session.stopped) return;
      compute = await this.options.createCompute();
      session.compute = compute;
      if (session.stopped) {
        this.options.releaseCompute?.(compute);
        return;
      }
      // Raced with `abandoned`: a Stop during init terminates the worker, whose promise never settles.
      this.adapterSummary = await Promise.race([
        compute.init({ forceCpu: this.options.forceCpu }),
        session.abandoned,
      ]);
      if (session.stopped) return;
      this.events.emit('adapter', this.adapterSummary);
    } catch (error) {
      if (session.stopped) return;
      this.fail(session, error instanceof ApiRequestError ? 'register' : 'init', error);
      return;
    }

    session.cleanups.push(this.conditions.subscribe(() => this.onConditionsChanged()));
    const ticker = setInterval(() => this.events.emit('throughput', this.throughput()), 1000);
    const creditTimer = setInterval(
      () => void this.refreshCredit(session.controller.signal),
      this.options.creditIntervalMs ?? 5000,
    );
    session.cleanups.push(() => {
      clearInterval(ticker);
      clearInterval(creditTimer);
    });
    this.throughputWindow.begin(this.now());
    const reason = this.conditions.pauseReason();
    this.setState(reason ? 'paused' : 'running', reason);
    session.loop = this.runLoop(session, compute).catch((error) => {
      if (!(error instanceof Abandoned) && !session.stopped) this.fail(session, 'compute', error);
    });
  }

  /**
   * Stops donating. The state is `stopped` at once and no lease is requested after this call; in-flight
   * lease requests and input downloads are aborted. A shard already computing may finish for up to
   * `stopGraceMs` (default 700 ms) and, like every finished result, is still submitted. Resolves when
   * the compute backend has been released and the results submitted (or given up on).
   */
  stop(): Promise<void> {
    const session = this.session;
    if (!session) return this.stopping ?? Promise.resolve();
    this.session = null;
    session.stopped = true;
    session.controller.abort(new DOMException('Stopped by the volunteer', 'AbortError'));
    for (const cleanup of session.cleanups.splice(0)) cleanup();
    // Prefetched shards that will not be computed go back now, not after their deadline.
    for (const lease of this.leases.drain()) this.handBack(lease.leaseId);
    this.setState('stopped', null);
    this.wake();
    const grace = this.options.stopGraceMs ?? 700;
    const settle = async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, grace);
      });
      await Promise.race([session.loop, graceOver]);
      clearTimeout(timer);
      session.abandon();
      if (session.compute) this.options.releaseCompute?.(session.compute);
      await this.outbox.flush();
      await this.refreshCredit();
    };
    this.stopping = settle().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /**
   * Reads credit for the stored identity (`GET /api/v1/volunteers/me`) and emits `credit`. Never
   * registers, so the page may call it on load to show a returning volunteer's credit before any
   * consent to compute. Null when there is no identity or it is unknown to the coordinator (then
   * it is forgotten, and the next `start()` registers anew).
   */
  async refreshCredit(signal?: AbortSignal): Promise<VolunteerMe | null> {
    const identity = this.identities.current();
    if (!identity) return null;
    try {
      const me = await fetchMe(this.api, identity.token, signal);
      this.identities.adopt(identity);
      this.events.emit('credit', me);
      return me;
    } catch (error) {
      if (signal?.aborted) return null;
      if (error instanceof ApiRequestError && error.status === 401) {
        this.forgetIdentity(identity);
        return null;
      }
      this.reportError('credit', error);
      return null;
    }
  }

  /** The throughput over the sliding window right now. */
  throughput(): Throughput {
    return this.throughputWindow.rate(this.now());
  }

  // ---- the loop -------------------------------------------------------------------------------

  private async runLoop(session: Session, compute: ComputeWorkerApi): Promise<void> {
    while (!session.stopped) {
      if (!(await this.waitWhilePaused(session))) return;
      const item = await this.nextWork(session);
      if (!item) return;
      if (this.now() > item.expiresAt) {
        this.reportError('lease', new Error('The lease expired before it could be computed; skipped.'), {
          leaseId: item.lease.leaseId,
          kernel: item.lease.kernel,
          code: 'lease_expired',
        });
        continue;
      }
      let inputs: Record<string, Uint8Array>;
      try {
        inputs = await item.inputs;
      } catch (error) {
        if (session.stopped) return;
        this.reportError('blob', error, { leaseId: item.lease.leaseId, kernel: item.lease.kernel });
        this.handBack(item.lease.leaseId);
        continue;
      }
      if (!(await this.waitForThrottle(session))) return;
      if (this.conditions.pauseReason()) {
        this.leases.putBack(item);
        continue;
      }
      await this.computeOne(session, compute, item, inputs);
    }
  }

  private async computeOne(
    session: Session,
    compute: ComputeWorkerApi,
    item: WorkItem,
    inputs: Record<string, Uint8Array>,
  ): Promise<void> {
    const { lease } = item;
    const startedAt = this.now();
    try {
      const timeoutMs = Math.min(MAX_SHARD_MS, Math.max(1000, item.expiresAt - startedAt));
      const result = await Promise.race([
        compute.run({ kernel: lease.kernel, params: lease.params, inputs }, { timeoutMs }),
        session.abandoned,
      ]);
      const finishedAt = this.now();
      const ms = finishedAt - startedAt;
      this.throttle.recordCompute(ms, finishedAt);
      this.leases.recordCompute(ms);
      this.outbox.add({ leaseId: lease.leaseId, bytes: result.result, expiresAt: item.expiresAt });
      const workUnits = shardWorkUnits(lease.kernel, lease.params);
      this.shardCount++;
      this.throughputWindow.record(finishedAt, workUnits);
      this.events.emit('shard', {
        leaseId: lease.leaseId,
        jobId: lease.jobId,
        shardId: lease.shardId,
        kernel: lease.kernel,
        ms,
        gpuMs: result.gpuMs,
        startedAt,
        finishedAt,
        workUnits,
      });
      this.events.emit('throughput', this.throughput());
    } catch (error) {
      if (error instanceof Abandoned) throw error;
      // The GPU was busy until now whatever happened, so the throttle still counts it.
      const finishedAt = this.now();
      this.throttle.recordCompute(finishedAt - startedAt, finishedAt);
      this.reportError('compute', error, { leaseId: lease.leaseId, kernel: lease.kernel });
      // Tell the coordinator: the shard goes to someone else now, and a poison shard fails its job.
      this.handBack(lease.leaseId, error);
      if ((error as Error | undefined)?.name === 'DeviceLostError' && !session.stopped) {
        // A lost device is gone for good: ask the worker for a fresh one (or its CPU fallback).
        try {
          this.adapterSummary = await compute.init({ forceCpu: this.options.forceCpu });
          this.events.emit('adapter', this.adapterSummary);
        } catch (initError) {
          this.fail(session, 'init', initError);
        }
      }
    }
  }

  /**
   * Gives a lease back to the coordinator without a result: released, or with `error` reported as a
   * failure of this shard. Best effort (the lease expires anyway); never blocks the loop.
   */
  private handBack(leaseId: string, error?: unknown): void {
    const identity = this.identities.current();
    if (!identity) return;
    const failure =
      error === undefined
        ? undefined
        : {
            name: (error as Error | undefined)?.name,
            message: String((error as Error | undefined)?.message ?? error),
          };
    const call = failure
      ? reportLeaseError(this.api, identity.token, leaseId, failure)
      : releaseLease(this.api, identity.token, leaseId);
    call.catch(() => {});
  }

  /** Waits while the tab is hidden or the battery low; false when stopped meanwhile. */
  private async waitWhilePaused(session: Session): Promise<boolean> {
    while (!session.stopped && this.conditions.pauseReason()) await this.sleep(60_000, session);
    return !session.stopped;
  }

  /** Serves the idle the duty cycle owes; re-evaluated when the duty changes. */
  private async waitForThrottle(session: Session): Promise<boolean> {
    for (;;) {
      if (session.stopped) return false;
      const owed = this.throttle.idleRemaining(this.now());
      if (owed <= 0) return true;
      await this.sleep(owed, session);
    }
  }

  /** The next leased shard, leasing more (and waiting for work) as needed; null when stopped. */
  private async nextWork(session: Session): Promise<WorkItem | null> {
    while (!session.stopped) {
      const item = this.leases.take(session);
      if (item) return item;
      await this.leases.fetch(session);
      if (!(await this.waitWhilePaused(session))) return null;
    }
    return null;
  }

  // ---- identity -------------------------------------------------------------------------------

  /** The stored identity, or a new registration (retried with backoff while the network is down). */
  private ensureIdentity(session: Session): Promise<VolunteerIdentity | null> {
    return this.identities.ensure({
      signal: session.controller.signal,
      stopped: () => session.stopped,
      sleep: (ms) => this.sleepUntil(this.now() + ms, session),
      backoff: (attempt) => backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF),
      onRetry: (error) => this.reportError('register', error),
    });
  }

  private forgetIdentity(identity: VolunteerIdentity): void {
    this.identities.forget(identity);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private onConditionsChanged(): void {
    if (!this.session || this.session.stopped) return;
    const reason = this.conditions.pauseReason();
    if (reason && this.currentState !== 'paused') this.setState('paused', reason);
    else if (reason && reason !== this.currentPause) this.setState('paused', reason);
    else if (!reason && this.currentState === 'paused') {
      this.throughputWindow.begin(this.now());
      this.setState('running', null);
    }
    this.wake();
  }

  private setState(state: VolunteerState, pauseReason: PauseReason | null): void {
    if (state === this.currentState && pauseReason === this.currentPause) return;
    this.currentState = state;
    this.currentPause = pauseReason;
    this.events.emit('state', { state, pauseReason });
  }

  private fail(session: Session, kind: VolunteerErrorKind, error: unknown): void {
    this.reportError(kind, error, {}, true);
    if (this.session === session) void this.stop();
  }

  private reportError(
    kind: VolunteerErrorKind,
    error: unknown,
    context: { leaseId?: string; kernel?: string; code?: string } = {},
    fatal = false,
  ): void {
    const err = error as { name?: string; message?: string; code?: string } | undefined;
    this.events.emit('error', {
      kind,
      message: err?.message ?? String(error),
      name: err?.name,
      code: context.code ?? (error instanceof ApiRequestError ? error.code : undefined),
      leaseId: context.leaseId,
      kernel: context.kernel,
      fatal,
    });
  }

  /** Sleeps up to `ms`; returns early on stop, a duty change or a change of pause conditions. */
  private sleep(ms: number, session: Session): Promise<void> {
    if (session.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** Sleeps until `deadline` on the client clock, whatever wakes it early; returns on stop. */
  private async sleepUntil(deadline: number, session: Session): Promise<void> {
    for (;;) {
      const left = deadline - this.now();
      if (left <= 0 || session.stopped) return;
      await this.sleep(left, session);
    }
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
