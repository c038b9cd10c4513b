import { pageIdentity } from '@/browser/volunteer/page-identity';
import type { VolunteerIdentity } from '@/browser/volunteer/volunteer-identity';

/*
 * The submitter's identity is the donate page's anonymous volunteer identity (docs/api.md
 * "Identity": one identity submits and donates), so a person who donates and submits is one
 * volunteer. These are the job pages' names for `pageIdentity()`.
 */

/** The stored identity, or null (never registers: safe on pages that only read). */
export function storedIdentity(): VolunteerIdentity | null {
  return pageIdentity().current();
}

/** Forgets an identity the server answered 401 for, so the next call registers anew. */
export function forgetIdentity(): void {
  pageIdentity().forgetCurrent();
}

/** The stored identity, registering one (`POST /api/v1/volunteers`) the first time. */
export function ensureIdentity(): Promise<VolunteerIdentity> {
  return pageIdentity().ensureOnce();
}
