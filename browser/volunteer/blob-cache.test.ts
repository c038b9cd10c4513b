import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BlobCache,
  BlobFetchError,
  BlobIntegrityError,
  type PersistentBlobStore,
  sha256Hex,
} from './blob-cache';

// The network is replaced by a fake fetch serving bytes from a Map (the blob endpoint itself is
// covered by the API integration tests); hashing is the real Web Crypto.

function blob(text: string) {
  const bytes = new TextEncoder().encode(text);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { bytes, sha256, url: `http://test/api/v1/blobs/${sha256}`, length: bytes.length };
}

function fakeServer(files: Record<string, Uint8Array>) {
  const calls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const body = files[url];
    if (!body) return new Response('{"error":{"code":"not_found"}}', { status: 404 });
    return new Response(body.slice() as Uint8Array<ArrayBuffer>, { status: 200 });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('sha256Hex', () => {
  it('matches node:crypto', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('BlobCache', () => {
  it('fetches a blob once, then serves it from memory', async () => {
    const a = blob('matrix block A');
    const server = fakeServer({ [a.url]: a.bytes });
    const cache = new BlobCache({ fetch: server.fetchFn });
    const ref = { sha256: a.sha256, url: a.url, bytes: a.length };
    expect(await cache.get(ref)).toEqual(a.bytes);
    expect(await cache.get(ref)).toEqual(a.bytes);
    expect(server.calls).toHaveLength(1);
    expect(cache.size).toBe(a.length);
  });

  it('shares one download between concurrent requests', async () => {
    const a = blob('shared');
    const server = fakeServer({ [a.url]: a.bytes });
    const cache = new BlobCache({ fetch: server.fetchFn });
    const ref = { sha256: a.sha256, url: a.url, bytes: a.length };
    const [x, y] = await Promise.all([cache.get(ref), cache.get(ref)]);
    expect(x).toEqual(a.bytes);
    expect(y).toEqual(a.bytes);
    expect(server.calls).toHaveLength(1);
  });

  it('rejects a tampered blob and does not cache it', async () => {
    const a = blob('the real bytes');
    const tampered = new TextEncoder().encode('the REAL bytes'); // same length, different content
    const server = fakeServer({ [a.url]: tampered });
    const cache = new BlobCache({ fetch: server.fetchFn });
    const ref = { sha256: a.sha256, url: a.url, bytes: a.length };
    await expect(cache.get(ref)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(cache.has(a.sha256)).toBe(false);
    await expect(cache.get(ref)).rejects.toThrow(/altered/);
    expect(server.calls).toHaveLength(2);
  });

  it('rejects a blob of the wrong length before hashing', async () => {
    const a = blob('twelve bytes');
    const server = fakeServer({ [a.url]: a.bytes });
    const cache = new BlobCache({ fetch: server.fetchFn });
    await expect(cache.get({ sha256: a.sha256, url: a.url, bytes: a.length + 1 })).rejects.toBeInstanceOf(
      BlobIntegrityError,
    );
  });

  it('reports HTTP and network failures as BlobFetchError', async () => {
    const a = blob('missing');
    const cache = new BlobCache({ fetch: fakeServer({}).fetchFn });
    const failure = await cache.get({ sha256: a.sha256, url: a.url, bytes: a.length }).catch((e) => e);
    expect(failure).toBeInstanceOf(BlobFetchError);
    expect(failure.status).toBe(404);
    const offline = new BlobCache({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const network = await offline.get({ sha256: a.sha256, url: a.url, bytes: a.length }).catch((e) => e);
    expect(network).toBeInstanceOf(BlobFetchError);
    expect(network.status).toBeUndefined();
  });

  it('passes the abort signal through and rethrows its reason', async () => {
    const a = blob('slow');
    const controller = new AbortController();
    const cache = new BlobCache({
      fetch: ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        })) as typeof fetch,
    });
    const pending = cache.get({ sha256: a.sha256, url: a.url, bytes: a.length }, controller.signal);
    controller.abort(new DOMException('stopped', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'stopped' });
  });

  it('evicts the least recently used blobs beyond its byte budget', async () => {
    const blobs = [blob('aaaaaaaaaa'), blob('bbbbbbbbbb'), blob('cccccccccc')]; // 10 bytes each
    const server = fakeServer(Object.fromEntries(blobs.map((b) => [b.url, b.bytes])));
    const cache = new BlobCache({ fetch: server.fetchFn, maxBytes: 25 });
    const ref = (b: (typeof blobs)[number]) => ({ sha256: b.sha256, url: b.url, bytes: b.length });
    await cache.get(ref(blobs[0]!));
    await cache.get(ref(blobs[1]!));
    await cache.get(ref(blobs[0]!)); // a is now the most recent
    await cache.get(ref(blobs[2]!)); // evicts b
    expect(cache.has(blobs[0]!.sha256)).toBe(true);
    expect(cache.has(blobs[1]!.sha256)).toBe(false);
    expect(cache.has(blobs[2]!.sha256)).toBe(true);
    expect(cache.size).toBe(20);
  });

  it('does not keep a blob larger than the whole budget', async () => {
    const big = blob('x'.repeat(100));
    const server = fakeServer({ [big.url]: big.bytes });
    const cache = new BlobCache({ fetch: server.fetchFn, maxBytes: 50 });
    expect(await cache.get({ sha256: big.sha256, url: big.url, bytes: big.length })).toEqual(big.bytes);
    expect(cache.size).toBe(0);
  });
});

describe('BlobCache fallbacks', () => {
  it('tries the fallback URLs in order when the first source fails or serves wrong bytes', async () => {
    const a = blob('content-addressed');
    const corrupt = new TextEncoder().encode('CONTENT-addressed');
    const mirror = 'http://mirror.test/a';
    const origin = 'http://origin.test/a';
    const server = fakeServer({ [mirror]: corrupt, [origin]: a.bytes });
    const cache = new BlobCache({ fetch: server.fetchFn });
    const bytes = await cache.get({
      sha256: a.sha256,
      url: 'http://unreachable.test/a', // 404 here
      fallbackUrls: [mirror, origin],
      bytes: a.length,
    });
    expect(bytes).toEqual(a.bytes);
    expect(server.calls).toEqual(['http://unreachable.test/a', mirror, origin]);
  });

  it('reports the last failure when every source fails', async () => {
    const a = blob('nowhere');
    const cache = new BlobCache({ fetch: fakeServer({}).fetchFn });
    await expect(
      cache.get({
        sha256: a.sha256,
        url: 'http://x.test/1',
        fallbackUrls: ['http://x.test/2'],
        bytes: a.length,
      }),
    ).rejects.toBeInstanceOf(BlobFetchError);
  });
});

describe('BlobCache persistent store', () => {
  function memoryStore() {
    const map = new Map<string, Uint8Array>();
    const store: PersistentBlobStore = {
      get: async (sha) => map.get(sha),
      put: async (sha, bytes) => void map.set(sha, bytes.slice()),
      delete: async (sha) => void map.delete(sha),
    };
    return { map, store };
  }

  it('keeps persist blobs across caches (a returning volunteer) and downloads them once', async () => {
    const model = blob('an onnx model, a few MB in real life');
    const server = fakeServer({ [model.url]: model.bytes });
    const { store } = memoryStore();
    const ref = { sha256: model.sha256, url: model.url, bytes: model.length, persist: true };
    expect(await new BlobCache({ fetch: server.fetchFn, persistent: store }).get(ref)).toEqual(model.bytes);
    // A new page load: a new in-memory cache over the same persistent store.
    expect(await new BlobCache({ fetch: server.fetchFn, persistent: store }).get(ref)).toEqual(model.bytes);
    expect(server.calls).toEqual([model.url]);
  });

  it('does not persist ordinary blobs, and re-downloads a stored copy whose bytes were altered', async () => {
    const x = blob('rows of x');
    const model = blob('model bytes');
    const server = fakeServer({ [x.url]: x.bytes, [model.url]: model.bytes });
    const { map, store } = memoryStore();
    const cache = new BlobCache({ fetch: server.fetchFn, persistent: store });
    await cache.get({ sha256: x.sha256, url: x.url, bytes: x.length });
    expect(map.has(x.sha256)).toBe(false);
    map.set(model.sha256, new TextEncoder().encode('model bytez'));
    const ref = { sha256: model.sha256, url: model.url, bytes: model.length, persist: true };
    expect(await cache.get(ref)).toEqual(model.bytes);
    expect(server.calls).toContain(model.url);
    expect(map.get(model.sha256)).toEqual(model.bytes);
  });
});
