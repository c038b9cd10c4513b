import { type ApiContext, ApiRequestError } from '@/lib/api/api-call';
import { registerVolunteer } from '@/lib/api/volunteer-api';
import {
  clearIdentity,
  type IdentityStorage,
  loadIdentity,
  saveIdentity,
  type VolunteerIdentity,
} from './volunteer-identity';

/** How `ensure` waits and gives up; the client passes its session's stop flag and sleep. */
export interface RegisterLoop {
  signal: AbortSignal;
  stopped: () => boolean;
  sleep: (ms: number) => Promise<void>;
  backoff: (attempt: number) => number;
  /** A transient registration failure (it is retried). */
  onRetry: (error: ApiRequestError) => void;
}

/**
 * The volunteer's anonymous identity: the one in memory for this page, backed by `storage` when the
 * browser offers any (null: this visit only). Registers on first need, never before.
 * @example
 * const keeper = new IdentityKeeper(api, localStorage, 'blog.example');
 * const identity = await keeper.ensure(loop); // registers once, then reuses the stored one
 */
export class IdentityKeeper {
  private identity: VolunteerIdentity | null = null;

  constructor(
    private readonly api: ApiContext,
    private storage: IdentityStorage | null,
    private readonly site?: string,
  ) {}

  /** The identity in use, else the stored one (null: none yet). */
  current(): VolunteerIdentity | null {
    return this.identity ?? loadIdentity(this.storage, this.site);
  }

  /** Marks `identity` as the one in use (a stored identity the coordinator just accepted). */
  adopt(identity: VolunteerIdentity): void {
    this.identity = identity;
  }

  /**
   * Moves to better storage (the Storage Access API granted `localStorage` after Donate). An identity
   * already stored there wins from the next visit on; otherwise this visit's identity is kept there.
   */
  upgradeStorage(storage: IdentityStorage): void {
    this.storage = storage;
    if (this.identity && !loadIdentity(storage, this.site)) saveIdentity(storage, this.identity, this.site);
  }

  /** The identity, registering a new one when there is none (retried while the network is down). */
  async ensure(loop: RegisterLoop): Promise<VolunteerIdentity | null> {
    if (this.identity) return this.identity;
    const stored = loadIdentity(this.storage, this.site);
    if (stored) {
      this.identity = stored;
      return stored;
    }
    for (let attempt = 0; !loop.stopped(); attempt++) {
      try {
        const identity = await registerVolunteer(this.api, this.site, loop.signal);
        this.identity = identity;
        saveIdentity(this.storage, identity, this.site);
        return identity;
      } catch (error) {
        if (loop.stopped()) return null;
        if (!(error instanceof ApiRequestError) || !error.transient) throw error;
        loop.onRetry(error);
        await loop.sleep(loop.backoff(attempt));
      }
    }
    return null;
  }

  /** The identity, registering one on first need (one attempt: for a click that reports its own failure). */
  async ensureOnce(signal?: AbortSignal): Promise<VolunteerIdentity> {
    const current = this.current();
    if (current) {
      this.identity = current;
      return current;
    }
    const identity = await registerVolunteer(this.api, this.site, signal);
    this.identity = identity;
    saveIdentity(this.storage, identity, this.site);
    return identity;
  }

  /** Forgets whatever identity is in use (the coordinator answered 401 for it). */
  forgetCurrent(): void {
    const current = this.current();
    if (current) this.forget(current);
  }

  /** Forgets an identity the coordinator no longer knows (401), so the next `ensure` registers. */
  forget(identity: VolunteerIdentity): void {
    if (this.identity?.token === identity.token) this.identity = null;
    if (loadIdentity(this.storage, this.site)?.token === identity.token)
      clearIdentity(this.storage, this.site);
  }
}
