import { type ApiContext, ApiRequestError } from '@/lib/api/api-call';
import { submitResults } from '@/lib/api/volunteer-api';
import type { ResultStatus } from '@/lib/protocol/results';
import type { VolunteerIdentity } from './volunteer-identity';

/** The coordinator's answer to a submitted result. */
export interface SubmittedEvent {
  leaseId: string;
  status?: ResultStatus;
  error?: { code: string; message: string; httpStatus: number };
}

/** One computed result waiting to be submitted. */
export interface OutboxEntry {
  leaseId: string;
  bytes: Uint8Array;
  /** Local monotonic time after which the coordinator refuses the result (less a margin). */
  expiresAt: number;
}

/** What the outbox needs from the client: identity, clock, backoff and where to report. */
export interface OutboxHost {
  api: ApiContext;
  identity: () => VolunteerIdentity | null;
  forgetIdentity: (identity: VolunteerIdentity) => void;
  now: () => number;
  backoff: (attempt: number) => number;
  submitted: (answer: SubmittedEvent) => void;
  error: (error: Error, context: { leaseId?: string; code?: string }) => void;
}

/** A result may still be submitted this long after its lease's local deadline (the margin left for it). */
const SUBMIT_GRACE_MS = 2_000;
/** Results per batch request. */
const BATCH_MAX = 64;

/**
 * Computed results on their way to the coordinator (`POST /api/v1/results`, one batch request at a
 * time so results coalesce). Transient failures are retried with backoff; results whose lease
 * expired, or that the coordinator refuses, are reported and dropped. A `pending` answer is no
 * error: the result waits for validation (credit shows as pending, then verified).
 */
export class ResultOutbox {
  private entries: OutboxEntry[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly host: OutboxHost) {}

  /** Queues a result and starts submitting (not awaited by the compute loop). */
  add(entry: OutboxEntry): void {
    this.entries.push(entry);
    void this.flush();
  }

  /** Submits everything queued; resolves when the outbox is empty (or what is left was dropped). */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const { host } = this;
    let failures = 0;
    while (this.entries.length > 0) {
      const now = host.now();
      const expired = this.entries.filter((entry) => entry.expiresAt + SUBMIT_GRACE_MS < now);
      for (const entry of expired) {
        host.error(new Error('The lease expired before its result could be submitted.'), {
          leaseId: entry.leaseId,
          code: 'lease_expired',
        });
      }
      this.entries = this.entries.filter((entry) => !expired.includes(entry));
      const batch = this.entries.splice(0, BATCH_MAX);
      if (batch.length === 0) return;
      const identity = host.identity();
      if (!identity) {
        this.drop(batch, 'No volunteer identity to submit these results under.');
        continue;
      }
      try {
        const answers = await submitResults(host.api, identity.token, batch);
        failures = 0;
        for (const answer of answers) {
          host.submitted(answer);
          if (answer.status === 'invalid') {
            host.error(new Error('The coordinator found this result wrong; it earns no credit.'), {
              leaseId: answer.leaseId,
              code: 'invalid_result',
            });
          }
          if (answer.error) {
            host.error(new Error(answer.error.message), { leaseId: answer.leaseId, code: answer.error.code });
          }
        }
      } catch (error) {
        if (error instanceof ApiRequestError && error.transient) {
          this.entries.unshift(...batch);
          host.error(error, { code: error.code });
          await new Promise((resolve) => setTimeout(resolve, host.backoff(failures++)));
          continue;
        }
        if (error instanceof ApiRequestError && error.status === 401) host.forgetIdentity(identity);
        this.drop(batch, (error as Error).message);
      }
    }
  }

  private drop(batch: OutboxEntry[], message: string): void {
    for (const entry of batch) this.host.error(new Error(message), { leaseId: entry.leaseId });
  }
}
