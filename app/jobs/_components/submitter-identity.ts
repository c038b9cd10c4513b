import {
  clearIdentity,
  loadIdentity,
  saveIdentity,
  type VolunteerIdentity,
} from '@/browser/volunteer/volunteer-identity';
import { registerVolunteerResponseSchema } from '@/lib/protocol/volunteers';

/**
 * The submitter's identity is the donate page's anonymous volunteer identity (docs/api.md
 * "Identity": one identity submits and donates), kept in `localStorage` under the same key
 * (`spare-cycles.volunteer`), so a person who donates and submits is one volunteer.
 */

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked: the identity lives for this page only
  }
}

/** The stored identity, or null (never registers: safe on pages that only read). */
export function storedIdentity(): VolunteerIdentity | null {
  return loadIdentity(storage());
}

/** Forgets an identity the server answered 401 for, so the next call registers anew. */
export function forgetIdentity(): void {
  clearIdentity(storage());
}

/** The stored identity, registering one (`POST /api/v1/volunteers`) the first time. */
export async function ensureIdentity(): Promise<VolunteerIdentity> {
  const existing = storedIdentity();
  if (existing) return existing;
  const response = await fetch('/api/v1/volunteers', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(`Could not create an identity (HTTP ${response.status}); try again.`);
  const identity = registerVolunteerResponseSchema.parse(await response.json());
  saveIdentity(storage(), identity);
  return identity;
}
