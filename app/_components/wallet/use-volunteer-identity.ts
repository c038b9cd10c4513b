'use client';

import { useCallback, useEffect, useState } from 'react';
import {
  clearIdentity,
  loadIdentity,
  saveIdentity,
  type VolunteerIdentity,
} from '@/browser/volunteer/volunteer-identity';
import { registerVolunteer } from '@/lib/api/volunteer-api';

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
    setIdentity(loadIdentity(window.localStorage));
    const onStorage = () => setIdentity(loadIdentity(window.localStorage));
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const ensure = useCallback(async () => {
    const stored = loadIdentity(window.localStorage);
    if (stored) {
      setIdentity(stored);
      return stored;
    }
    const created = await registerVolunteer({ baseUrl: '', fetch: window.fetch.bind(window) }, undefined);
    saveIdentity(window.localStorage, created);
    setIdentity(created);
    return created;
  }, []);

  const forget = useCallback(() => {
    clearIdentity(window.localStorage);
    setIdentity(null);
  }, []);

  return { identity, ensure, forget };
}
