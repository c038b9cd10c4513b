import { z } from 'zod';

/**
 * The volunteer's identity lives in `localStorage`, so credit keeps accruing to the same anonymous
 * volunteer across visits. Key: `spare-cycles.volunteer` for the donate page, and
 * `spare-cycles.volunteer.<site>` for the widget on a site (a separate identity, so work done
 * through that site is attributed to it). Value: JSON `{volunteerId, token}`.
 */
export const VOLUNTEER_STORAGE_KEY = 'spare-cycles.volunteer';

/** The subset of `Storage` the client uses (tests pass a Map-backed one). */
export type IdentityStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface VolunteerIdentity {
  volunteerId: string;
  token: string;
}

const storedIdentitySchema = z.object({ volunteerId: z.string().min(1), token: z.string().min(1) });

/** The storage key for a site's identity (`undefined` = the donate page's own). */
export function identityStorageKey(site?: string): string {
  return site ? `${VOLUNTEER_STORAGE_KEY}.${site}` : VOLUNTEER_STORAGE_KEY;
}

/**
 * The stored identity, or null. Storage may be unavailable (private mode, blocked cookies) or hold
 * something malformed: both mean "register anew" rather than an error.
 */
export function loadIdentity(storage: IdentityStorage | null, site?: string): VolunteerIdentity | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(identityStorageKey(site));
    if (!raw) return null;
    const parsed = storedIdentitySchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    storage.removeItem(identityStorageKey(site));
  } catch {
    // unreadable storage or JSON: treat as absent
  }
  return null;
}

/** Keeps the identity; a storage failure only means the next visit registers again. */
export function saveIdentity(
  storage: IdentityStorage | null,
  identity: VolunteerIdentity,
  site?: string,
): void {
  try {
    storage?.setItem(identityStorageKey(site), JSON.stringify(identity));
  } catch {
    // quota or privacy mode: the identity lives for this page only
  }
}

/** Forgets an identity the coordinator no longer knows (401), so the next call registers again. */
export function clearIdentity(storage: IdentityStorage | null, site?: string): void {
  try {
    storage?.removeItem(identityStorageKey(site));
  } catch {
    // nothing to do
  }
}
