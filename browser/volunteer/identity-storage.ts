import type { IdentityStorage } from './volunteer-identity';

/**
 * Where this browser lets us keep the volunteer's identity, best first:
 * - `local`: `localStorage` (the donate page; a widget whose browser allows third-party storage, or
 *   after the Storage Access API granted it). Credit follows the visitor across visits and sites.
 * - `partitioned`: a CHIPS cookie (`Partitioned`), which browsers that block third-party storage still
 *   allow in an embedded frame. It is keyed by the top-level site, so the visitor is remembered on
 *   this host site only.
 * - `session`: nothing persists; the identity lives in memory and credit accrues for this visit only.
 */
export type IdentityStorageMode = 'local' | 'partitioned' | 'session';

export interface OpenedIdentityStorage {
  storage: IdentityStorage | null;
  mode: IdentityStorageMode;
}

const PROBE_KEY = 'spare-cycles.probe';
const COOKIE_PREFIX = 'sc_';
/** A year: the same lifetime a returning visitor gets from `localStorage` in practice. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/**
 * `localStorage` when it can be read and written. Reading `window.localStorage` itself throws a
 * `SecurityError` in a third-party frame whose storage is blocked, so even the lookup is guarded.
 */
export function usableLocalStorage(scope: { localStorage?: Storage } = globalThis): Storage | null {
  try {
    const storage = scope.localStorage;
    if (!storage) return null;
    storage.setItem(PROBE_KEY, '1');
    storage.removeItem(PROBE_KEY);
    return storage;
  } catch {
    return null;
  }
}

/** Cookie names allow fewer characters than storage keys: keep `[A-Za-z0-9_]` and hex-escape the rest. */
function cookieName(key: string): string {
  return COOKIE_PREFIX + key.replace(/[^A-Za-z0-9_]/g, (c) => `-${c.charCodeAt(0).toString(16)}`);
}

/**
 * An `IdentityStorage` over partitioned cookies of `doc`, scoped to `path` (the card's own path, so
 * the cookie rides only on requests for the card's page, never on API calls). Null when the browser
 * refuses them too.
 */
export function partitionedCookieStorage(
  doc: { cookie: string } | undefined = typeof document === 'undefined' ? undefined : document,
  path = '/embed',
): IdentityStorage | null {
  if (!doc) return null;
  const attributes = `; Path=${path}; Secure; SameSite=None; Partitioned`;
  const read = (key: string): string | null => {
    const name = `${cookieName(key)}=`;
    for (const part of doc.cookie.split(';')) {
      const trimmed = part.trim();
      if (trimmed.startsWith(name)) {
        try {
          return decodeURIComponent(trimmed.slice(name.length));
        } catch {
          return null;
        }
      }
    }
    return null;
  };
  const storage: IdentityStorage = {
    getItem: read,
    setItem: (key, value) => {
      doc.cookie = `${cookieName(key)}=${encodeURIComponent(value)}; Max-Age=${COOKIE_MAX_AGE_S}${attributes}`;
    },
    removeItem: (key) => {
      doc.cookie = `${cookieName(key)}=; Max-Age=0${attributes}`;
    },
  };
  try {
    storage.setItem(PROBE_KEY, '1');
    const works = read(PROBE_KEY) === '1';
    storage.removeItem(PROBE_KEY);
    return works ? storage : null;
  } catch {
    return null;
  }
}

/**
 * The best identity storage this document offers (see `IdentityStorageMode`). The widget calls it;
 * the donate page is first-party and always gets `local` unless the visitor blocks all storage.
 * @example
 * const { storage, mode } = openIdentityStorage();
 * if (mode === 'session') showNote('Credit counts for this visit only');
 */
export function openIdentityStorage(
  scope: { localStorage?: Storage; document?: { cookie: string } } = globalThis,
  cookiePath?: string,
): OpenedIdentityStorage {
  const local = usableLocalStorage(scope);
  if (local) return { storage: local, mode: 'local' };
  const cookies = partitionedCookieStorage(scope.document, cookiePath);
  if (cookies) return { storage: cookies, mode: 'partitioned' };
  return { storage: null, mode: 'session' };
}
