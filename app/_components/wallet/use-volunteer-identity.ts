'use client';

import { useCallback, useEffect, useState } from 'react';
import { pageIdentity } from '@/browser/volunteer/page-identity';
import type { VolunteerIdentity } from '@/browser/volunteer/volunteer-identity';

/**
 * This browser's anonymous volunteer — the same identity the donate page works under (one
 * `localStorage` entry, see browser/volunteer/volunteer-identity.ts), so linking a wallet here pays the
 * credit donated there. `ensure()` registers one when there is none yet (a visitor may link a
 * wallet before donating); `forget()` drops an identity the coordinator no longer knows.
 */
export function useVolunteerIdentity(): {
  identity: VolunteerIdentity | null;
  ensure(): Promise<VolunteerIdentity>;
  forget(): void;
} {
  const [identity, setIdentity] = useState<VolunteerIdentity | null>(null);

  useEffect(() => {
    setIdentity(pageIdentity().current());
    // Another tab registered or forgot the identity: the stored one is the truth.
    const onStorage = () => setIdentity(pageIdentity().current());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const ensure = useCallback(async () => {
    const identity = await pageIdentity().ensureOnce();
    setIdentity(identity);
    return identity;
  }, []);

  const forget = useCallback(() => {
    pageIdentity().forgetCurrent();
    setIdentity(null);
  }, []);

  return { identity, ensure, forget };
}
