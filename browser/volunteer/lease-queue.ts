import { type ApiContext, ApiRequestError } from '@/lib/api/api-call';
import { requestLeases } from '@/lib/api/volunteer-api';
import { getKernel } from '@/lib/kernels/registry';
import type { Lease } from '@/lib/protocol/leases';
import type { AdapterSummary } from '@/workers/compute-api';
import { type BlobCache, BlobFetchError, type BlobRef } from './blob-cache';
import type { VolunteerIdentity } from './volunteer-identity';

/** A leased shard waiting its turn, its inputs already downloading. */
export interface WorkItem {
  lease: Lease;
  /** Local monotonic time after which the coordinator will refuse the result. */
  expiresAt: number;
  inputs: Promise<Record<string, Uint8Array>>;
}

/** The part of a donation session the queue watches: stop and cancellation. */
export interface LeaseSession {
  readonly stopped: boolean;
  readonly controller: AbortController;
}

/** What the queue needs from the client. */
export interface LeaseQueueHost {
  api: ApiContext;
  blobs: BlobCache;
  now: () => number;
  /** Batch sizing: `initial` before any shard ran, then about `targetMs` of work, at most `max`. */
  batch: { initial?: number; max?: number; targetMs?: number };
  kernels?: string[];
  duty: () => number;
  adapter: () => AdapterSummary | null;
  paused: () => boolean;
  backoff: (attempt: number) => number;
  ensureIdentity: (session: LeaseSession) => Promise<VolunteerIdentity | null>;
  forgetIdentity: (identity: VolunteerIdentity) => void;
  sleepUntil: (deadline: number, session: LeaseSession) => Promise<void>;
  noWork: (retryInMs: number) => void;
  error: (error: unknown) => void;
}

/** Leave this much of a lease's life for submitting the result. */
export const DEADLINE_MARGIN_MS = 2_000;

/**
 * Leased shards waiting to be computed: leases in batches sized to the pace (`POST /api/v1/leases`,
 * one request at a time, prefetching the next batch while half of this one is left), downloads and
 * verifies each shard's inputs ahead of its turn, and waits out `retryAfterMs` or backoff between
 * requests.
 */
export class LeaseQueue {
  private items: WorkItem[] = [];
  private request: Promise<void> | null = null;
  private blockedUntil = 0;
  private failures = 0;
  private avgComputeMs: number | null = null;

  constructor(private readonly host: LeaseQueueHost) {}

  /** A new session starts with an empty queue and no backoff. */
  reset(): void {
    this.items = [];
    this.blockedUntil = 0;
    this.failures = 0;
  }

  /** The next shard, prefetching more when the queue runs low; null when empty (then `fetch`). */
  take(session: LeaseSession): WorkItem | null {
    const item = this.items.shift() ?? null;
    if (item && this.items.length <= Math.floor(this.batchSize() / 2)) void this.fetch(session);
    return item;
  }

  /** Puts a shard back at the front (paused just before computing it). */
  putBack(item: WorkItem): void {
    this.items.unshift(item);
  }

  /** Empties the queue (Stop), returning the leases that will not be computed. */
  drain(): Lease[] {
    return this.items.splice(0).map((item) => item.lease);
  }

  /** Feeds one shard's compute time into the pace that sizes the next batches. */
  recordCompute(ms: number): void {
    this.avgComputeMs = this.avgComputeMs === null ? ms : 0.7 * this.avgComputeMs + 0.3 * ms;
  }

  /** Lease size: about `targetMs` of work at the current pace and duty. */
  batchSize(): number {
    const { initial = 2, max = 16, targetMs = 4000 } = this.host.batch;
    if (this.avgComputeMs === null) return Math.max(1, Math.min(max, initial));
    const cycleMs = Math.max(1, this.avgComputeMs / this.host.duty());
    return Math.max(1, Math.min(max, Math.ceil(targetMs / cycleMs)));
  }

  /** One lease request at a time; waits out `retryAfterMs` or backoff first. */
  fetch(session: LeaseSession): Promise<void> {
    if (this.request) return this.request;
    this.request = this.leaseOnce(session).finally(() => {
      this.request = null;
    });
    return this.request;
  }

  private async leaseOnce(session: LeaseSession): Promise<void> {
    const { host } = this;
    await host.sleepUntil(this.blockedUntil, session);
    if (session.stopped || host.paused()) return;
    const identity = await host.ensureIdentity(session);
    if (!identity || session.stopped) return;
    const adapter = host.adapter();
    try {
      const sentAt = host.now();
      const response = await requestLeases(
        host.api,
        identity.token,
        {
          max: this.batchSize(),
          webgpu: adapter?.mode === 'webgpu',
          ...(host.kernels ? { kernels: host.kernels } : {}),
          ...(adapter
            ? {
                adapter: {
                  vendor: adapter.vendor.slice(0, 100),
                  architecture: adapter.architecture.slice(0, 100),
                  features: adapter.features.slice(0, 64).map((f) => f.slice(0, 100)),
                  fallback: adapter.fallback,
                },
              }
            : {}),
        },
        session.controller.signal,
      );
      this.failures = 0;
      if (session.stopped) return; // too late: these leases simply expire on the coordinator
      if (response.leases.length === 0) {
        const retryInMs = response.retryAfterMs ?? 5000;
        this.blockedUntil = host.now() + retryInMs;
        host.noWork(retryInMs);
        return;
      }
      const serverNow = response.serverNow ?? Date.now();
      for (const lease of response.leases) {
        const life = Date.parse(lease.deadline) - serverNow;
        const inputs = this.fetchInputs(lease, session);
        inputs.catch(() => {}); // awaited (and reported) when the shard's turn comes
        this.items.push({
          lease,
          expiresAt: sentAt + (Number.isNaN(life) ? 60_000 : life) - DEADLINE_MARGIN_MS,
          inputs,
        });
      }
    } catch (error) {
      if (session.stopped) return;
      if (error instanceof ApiRequestError && error.status === 401) {
        // Re-register on the next round; back off so a confused server cannot make us spin.
        host.forgetIdentity(identity);
        this.blockedUntil = host.now() + host.backoff(this.failures++);
        return;
      }
      host.error(error);
      const retryAfter = error instanceof ApiRequestError ? (error.retryAfterMs ?? 0) : 0;
      this.blockedUntil = host.now() + Math.max(retryAfter, host.backoff(this.failures++));
    }
  }

  /**
   * A shard's inputs, verified. A transient failure is retried (twice, with backoff) before the shard
   * is given up, since a given-up lease is never offered to this volunteer again.
   */
  private async fetchInputs(lease: Lease, session: LeaseSession): Promise<Record<string, Uint8Array>> {
    // Inputs the kernel marks persistent (an `onnx` model) are kept across visits too.
    const persistent = getKernel(lease.kernel)?.persistentInputNames ?? [];
    const refs = lease.inputs.map((input) => ({
      name: input.name,
      ref: { ...this.blobRef(input), persist: persistent.includes(input.name) },
    }));
    for (let attempt = 0; ; attempt++) {
      try {
        const entries = await Promise.all(
          refs.map(
            async ({ name, ref }) =>
              [name, await this.host.blobs.get(ref, session.controller.signal)] as const,
          ),
        );
        return Object.fromEntries(entries);
      } catch (error) {
        const transient =
          error instanceof BlobFetchError &&
          (error.status === undefined || error.status === 429 || error.status >= 500);
        if (session.stopped || !transient || attempt >= 2) throw error;
        await this.host.sleepUntil(this.host.now() + this.host.backoff(attempt), session);
      }
    }
  }

  /**
   * Where to fetch an input: the lease's URL (resolved against the coordinator, so a relative one
   * works), then the coordinator's own blob endpoint as a fallback, in case the lease names a host
   * this page cannot reach (another origin without CORS, an unreachable mirror).
   */
  private blobRef(input: Lease['inputs'][number]): BlobRef {
    const { baseUrl } = this.host.api;
    const base = baseUrl || (typeof location === 'undefined' ? undefined : location.href);
    const resolve = (url: string) => {
      try {
        return new URL(url, base).toString();
      } catch {
        return url;
      }
    };
    const url = resolve(input.url);
    const canonical = resolve(`${baseUrl}/api/v1/blobs/${encodeURIComponent(input.sha256)}`);
    return {
      sha256: input.sha256,
      bytes: input.bytes,
      url,
      fallbackUrls: canonical === url ? [] : [canonical],
    };
  }
}
