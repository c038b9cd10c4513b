import { createHash } from 'node:crypto';
import { and, inArray, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { env } from '../env';
import type { Queryable } from './client';
import { blobs } from './schema';

/** Hex SHA-256 of bytes: the address of every blob. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Blobs are immutable and content-addressed, so a process-wide cache can never serve wrong bytes.
// It is filled only from reads outside any transaction — rows another transaction committed — never
// from writes or reads inside a transaction, which may still roll back: bytes of a request that
// answered "nothing you sent was stored" must never be served afterwards. Whether a caller may read
// a blob is decided by the database (lib/coordinator/jobs/blob-access.ts), never by this cache.
const cacheLimitBytes = 64 * 1024 * 1024;
const cache = new Map<string, Uint8Array>();
let cachedBytes = 0;

function remember(sha: string, bytes: Uint8Array): void {
  if (cache.has(sha) || bytes.byteLength > cacheLimitBytes / 8) return;
  cache.set(sha, bytes);
  cachedBytes += bytes.byteLength;
  for (const [key, value] of cache) {
    if (cachedBytes <= cacheLimitBytes) break;
    cache.delete(key);
    cachedBytes -= value.byteLength;
  }
}

/** Drops blobs from this process's cache (after the retention sweep deleted them). */
export function forgetBlobs(shas: Iterable<string>): void {
  for (const sha of shas) {
    const bytes = cache.get(sha);
    if (!bytes) continue;
    cache.delete(sha);
    cachedBytes -= bytes.byteLength;
  }
}

/** Whether `sha` is in this process's cache (tests prove what was never cached). */
export function isBlobCached(sha: string): boolean {
  return cache.has(sha);
}

/**
 * Stores blobs (idempotent: an existing address keeps its bytes). Returns their addresses in order.
 *
 * An existing row older than half the retention period is touched (`created_at` moves to now) under
 * its row lock, so the retention sweep (`deleteUnneededBlobs`), which deletes only rows older than
 * the whole period, can never delete a blob that a transaction still in flight is reusing. A
 * younger row is left alone and unlocked: it cannot reach the sweep's age before any transaction
 * running now commits, so identical results from concurrent volunteers (replicas agree byte for
 * byte) do not queue on one row. Nothing is cached here: the caller's transaction may still roll back.
 */
export async function putBlobs(
  db: Queryable,
  items: Uint8Array[],
  retentionSeconds = env().BLOB_RETENTION_SECONDS,
): Promise<string[]> {
  const shas = items.map(sha256Hex);
  const unique = new Map<string, Uint8Array>();
  for (const [i, bytes] of items.entries()) unique.set(shas[i]!, bytes);
  const fresh = new Set<string>();
  const keys = [...unique.keys()];
  for (let i = 0; i < keys.length; i += 1000) {
    const found = await db
      .select({ sha256: blobs.sha256 })
      .from(blobs)
      .where(
        and(
          inArray(blobs.sha256, keys.slice(i, i + 1000)),
          sql`${blobs.createdAt} > now() - make_interval(secs => ${retentionSeconds / 2})`,
        ),
      );
    for (const row of found) fresh.add(row.sha256);
  }
  // In address order, so concurrent writers of overlapping blobs take row locks in one order (no deadlock).
  const rows = [...unique]
    .filter(([sha]) => !fresh.has(sha))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sha, bytes]) => ({ sha256: sha, bytes, size: bytes.byteLength }));
  // Keep each statement well under the 65k bind-parameter limit and a sane packet size.
  for (let i = 0; i < rows.length; ) {
    let size = 0;
    let j = i;
    while (j < rows.length && j - i < 1000 && (j === i || size + rows[j]!.size < 16 * 1024 * 1024)) {
      size += rows[j]!.size;
      j++;
    }
    await db
      .insert(blobs)
      .values(rows.slice(i, j))
      .onConflictDoUpdate({ target: blobs.sha256, set: { createdAt: sql`now()` } });
    i = j;
  }
  return shas;
}

/** Loads blobs by address; missing ones are absent from the map. */
export async function getBlobs(db: Queryable, shas: Iterable<string>): Promise<Map<string, Uint8Array>> {
  const committed = !(db instanceof PgTransaction);
  const out = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const sha of new Set(shas)) {
    const hit = cache.get(sha);
    if (hit) out.set(sha, hit);
    else missing.push(sha);
  }
  if (missing.length > 0) {
    const rows = await db
      .select({ sha256: blobs.sha256, bytes: blobs.bytes })
      .from(blobs)
      .where(inArray(blobs.sha256, missing));
    for (const row of rows) {
      out.set(row.sha256, row.bytes);
      if (committed) remember(row.sha256, row.bytes);
    }
  }
  return out;
}

export async function getBlob(db: Queryable, sha: string): Promise<Uint8Array | undefined> {
  return (await getBlobs(db, [sha])).get(sha);
}
