import { describe, expect, it } from 'vitest';
import { openIdentityStorage, partitionedCookieStorage, usableLocalStorage } from './identity-storage';

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** A third-party frame whose storage is blocked: even reading `localStorage` throws (Chromium). */
function blocked<T extends object>(scope: T): T & { localStorage: Storage } {
  return Object.defineProperty(scope, 'localStorage', {
    get() {
      throw new DOMException("Failed to read the 'localStorage' property from 'Window'", 'SecurityError');
    },
  }) as T & { localStorage: Storage };
}

/** A `document.cookie` that keeps name=value pairs and honours Max-Age=0, like a browser. */
function cookieJar(accepts = true) {
  const jar = new Map<string, string>();
  const writes: string[] = [];
  return {
    writes,
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(line: string) {
      writes.push(line);
      if (!accepts) return;
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      if (/Max-Age=0(;|$)/.test(line)) jar.delete(name);
      else jar.set(name, pair!.slice(at + 1));
    },
  };
}

describe('identity storage', () => {
  it('uses localStorage when the document may', () => {
    const localStorage = memoryStorage();
    expect(openIdentityStorage({ localStorage })).toEqual({ storage: localStorage, mode: 'local' });
  });

  it('survives a localStorage getter that throws SecurityError, falling back to a partitioned cookie', () => {
    expect(usableLocalStorage(blocked({}))).toBeNull();
    const document = cookieJar();
    const opened = openIdentityStorage(blocked({ document }));
    expect(opened.mode).toBe('partitioned');
    opened.storage!.setItem('spare-cycles.volunteer.blog.example', '{"volunteerId":"v","token":"t"}');
    expect(opened.storage!.getItem('spare-cycles.volunteer.blog.example')).toBe(
      '{"volunteerId":"v","token":"t"}',
    );
    const write = document.writes.at(-1)!;
    // Partitioned (CHIPS), so blocked-storage browsers accept it; scoped to the card's path, not the API.
    expect(write).toMatch(/; Path=\/embed; Secure; SameSite=None; Partitioned$/);
    expect(write).toMatch(/^sc_spare-2dcycles-2evolunteer-2eblog-2eexample=/);
    opened.storage!.removeItem('spare-cycles.volunteer.blog.example');
    expect(opened.storage!.getItem('spare-cycles.volunteer.blog.example')).toBeNull();
  });

  it('keeps nothing when cookies are refused too: this visit only', () => {
    expect(openIdentityStorage(blocked({ document: cookieJar(false) }))).toEqual({
      storage: null,
      mode: 'session',
    });
    expect(partitionedCookieStorage(undefined)).toBeNull();
  });
});
