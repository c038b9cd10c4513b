import { describe, expect, it } from 'vitest';
import {
  clearIdentity,
  identityStorageKey,
  loadIdentity,
  saveIdentity,
  VOLUNTEER_STORAGE_KEY,
} from './volunteer-identity';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

describe('volunteer identity storage', () => {
  it('keeps the donate page and each site under their own keys', () => {
    expect(identityStorageKey()).toBe('spare-cycles.volunteer');
    expect(identityStorageKey('example.org')).toBe('spare-cycles.volunteer.example.org');
  });

  it('saves, loads and clears an identity', () => {
    const storage = memoryStorage();
    const identity = { volunteerId: 'v1', token: 't1' };
    saveIdentity(storage, identity);
    expect(loadIdentity(storage)).toEqual(identity);
    expect(loadIdentity(storage, 'example.org')).toBeNull();
    clearIdentity(storage);
    expect(loadIdentity(storage)).toBeNull();
  });

  it('drops a malformed stored value instead of failing', () => {
    const storage = memoryStorage();
    storage.setItem(VOLUNTEER_STORAGE_KEY, '{"token": 42}');
    expect(loadIdentity(storage)).toBeNull();
    expect(storage.map.has(VOLUNTEER_STORAGE_KEY)).toBe(false);
    storage.setItem(VOLUNTEER_STORAGE_KEY, 'not json');
    expect(loadIdentity(storage)).toBeNull();
  });

  it('survives storage that throws (privacy modes) or is missing', () => {
    const throwing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    expect(loadIdentity(throwing)).toBeNull();
    expect(() => saveIdentity(throwing, { volunteerId: 'v', token: 't' })).not.toThrow();
    expect(() => clearIdentity(throwing)).not.toThrow();
    expect(loadIdentity(null)).toBeNull();
  });
});
