/**
 * Shard inputs are content-addressed (SHA-256) and immutable, so a volunteer fetches each one once,
 * checks its digest (the coordinator, a CDN or a proxy may serve wrong bytes; computing over them
 * would waste the GPU and earn no credit) and keeps it in a small LRU: neighbouring matmul tiles
 * share a row block of A or a column block of B.
 */

/** The bytes did not hash to the SHA-256 (or length) the lease named: never computed over. */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
}

/** The blob could not be fetched; `status` is the HTTP status, or undefined for a network failure. */
export class BlobFetchError extends Error {
  override readonly name = 'BlobFetchError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Where a blob lives and what it must hash to, as a lease names it. */
export interface BlobRef {
  sha256: string;
  url: string;
  bytes: number;
  /**
   * Other places serving the same bytes, tried in order when `url` fails (network, HTTP error or
   * wrong bytes): content addressing makes any source as good as another once the digest matches.
   */
  fallbackUrls?: readonly string[];
  /**
   * Keep the blob in the persistent store too (e.g. an `onnx` model, the same few MB in every
   * shard of a job and across visits), so a returning volunteer does not download it again.
   */
  persist?: boolean;
}

/**
 * Blobs kept across page loads, by SHA-256. What comes back is checked again (length and digest)
 * before use: storage can be corrupted or edited by anything running on this origin.
 */
export interface PersistentBlobStore {
  get(sha256: string): Promise<Uint8Array | undefined>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  delete(sha256: string): Promise<void>;
}

/** Cache Storage name: bump the version to drop every stored blob. */
export const PERSISTENT_BLOB_CACHE = 'spare-cycles-blobs-v1';

/** Blobs kept in Cache Storage at most; the oldest stored go first (a few models, not a hoard). */
export const PERSISTENT_BLOB_MAX_ENTRIES = 4;

/**
 * A `PersistentBlobStore` on Cache Storage (windows and workers, secure contexts), or undefined
 * where there is none. Keys are synthetic same-origin URLs, never fetched. Keeps the
 * `maxEntries` most recently stored blobs.
 */
export function cacheStorageBlobStore(
  name = PERSISTENT_BLOB_CACHE,
  maxEntries = PERSISTENT_BLOB_MAX_ENTRIES,
): PersistentBlobStore | undefined {
  if (typeof caches === 'undefined' || typeof location === 'undefined') return undefined;
  const key = (sha: string) => new URL(`/__blob-cache/${sha}`, location.origin).toString();
  const open = () => caches.open(name);
  return {
    async get(sha) {
      const response = await (await open()).match(key(sha));
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(sha, bytes) {
      const cache = await open();
      await cache.delete(key(sha));
      await cache.put(
        key(sha),
        new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { 'content-type': 'application/octet-stream' },
        }),
      );
      // keys() lists in insertion order: drop the oldest beyond the budget.
      const keys = await cache.keys();
      for (const request of keys.slice(0, Math.max(0, keys.length - maxEntries))) await cache.delete(request);
    },
    async delete(sha) {
      await (await open()).delete(key(sha));
    },
  };
}

/** Lower-case hex SHA-256 through Web Crypto (available in windows, workers and Node ≥ 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export interface BlobCacheOptions {
  fetch?: typeof fetch;
  /** Upper bound on cached bytes (default 64 MiB); a blob larger than this is used once, not kept. */
  maxBytes?: number;
  /** Where blobs with `persist` are kept across visits (none: memory only). */
  persistent?: PersistentBlobStore;
}

/**
 * A verified, in-memory LRU of blobs keyed by SHA-256. Concurrent requests for one blob share a
 * single download.
 */
export class BlobCache {
  private readonly fetchFn: typeof fetch;
  private readonly maxBytes: number;
  private readonly persistent: PersistentBlobStore | undefined;
  /** Insertion order is recency order: a hit moves the entry to the end. */
  private readonly entries = new Map<string, Uint8Array>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private total = 0;

  constructor(options: BlobCacheOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.persistent = options.persistent;
  }

  /** Bytes currently cached. */
  get size(): number {
    return this.total;
  }

  has(sha256: string): boolean {
    return this.entries.has(sha256);
  }

  /**
   * The blob's bytes, from the cache or fetched and verified. Throws `BlobIntegrityError` when the
   * bytes do not match the digest or length, `BlobFetchError` on an HTTP or network failure, and the
   * signal's reason when aborted. A failed download is not cached, so the next call tries again.
   */
  async get(ref: BlobRef, signal?: AbortSignal): Promise<Uint8Array> {
    const sha = ref.sha256.toLowerCase();
    const hit = this.entries.get(sha);
    if (hit) {
      this.entries.delete(sha);
      this.entries.set(sha, hit);
      return hit;
    }
    const pending = this.inFlight.get(sha);
    if (pending) return pending;
    const download = this.download({ ...ref, sha256: sha }, signal).finally(() => this.inFlight.delete(sha));
    this.inFlight.set(sha, download);
    return download;
  }

  private async download(ref: BlobRef, signal?: AbortSignal): Promise<Uint8Array> {
    const stored = ref.persist ? await this.fromPersistent(ref) : undefined;
    if (stored) {
      this.remember(ref.sha256, stored);
      return stored;
    }
    let lastError: Error | undefined;
    for (const url of [ref.url, ...(ref.fallbackUrls ?? [])]) {
      try {
        const bytes = await this.downloadFrom(url, ref, signal);
        this.remember(ref.sha256, bytes);
        if (ref.persist) await this.persistent?.put(ref.sha256, bytes).catch(() => undefined);
        return bytes;
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        lastError = error as Error;
      }
    }
    throw lastError;
  }

  /** The stored copy, if there is one and it still has the right length and digest. */
  private async fromPersistent(ref: BlobRef): Promise<Uint8Array | undefined> {
    if (!this.persistent) return undefined;
    const bytes = await this.persistent.get(ref.sha256).catch(() => undefined);
    if (!bytes) return undefined;
    if (bytes.length === ref.bytes && (await sha256Hex(bytes)) === ref.sha256) return bytes;
    await this.persistent.delete(ref.sha256).catch(() => undefined);
    return undefined;
  }

  private async downloadFrom(url: string, ref: BlobRef, signal?: AbortSignal): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw new BlobFetchError(`Could not fetch blob ${ref.sha256}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      throw new BlobFetchError(
        `Fetching blob ${ref.sha256} answered HTTP ${response.status}`,
        response.status,
      );
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== ref.bytes) {
      throw new BlobIntegrityError(
        `Blob ${ref.sha256} has ${bytes.length} bytes; the lease said ${ref.bytes}. Not used.`,
      );
    }
    const actual = await sha256Hex(bytes);
    if (actual !== ref.sha256) {
      throw new BlobIntegrityError(
        `Blob ${ref.sha256} hashed to ${actual}: the bytes were altered. Not used.`,
      );
    }
    return bytes;
  }

  private remember(sha: string, bytes: Uint8Array): void {
    if (bytes.length > this.maxBytes) return;
    this.entries.set(sha, bytes);
    this.total += bytes.length;
    for (const [oldest, value] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.total -= value.length;
    }
  }
}
