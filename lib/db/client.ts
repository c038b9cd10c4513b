import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { env } from '../env';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = PgTransaction<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
/** Anything that can run a query: the database or a transaction inside it. */
export type Queryable = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), 'lib/db/migrations');

/**
 * Opens the database and brings its schema up to date.
 *
 * PGlite durability: PGlite runs Postgres with `fsync=off`, but commits still `write()` the WAL
 * into the data directory before a transaction is acknowledged (`synchronous_commit` stays on,
 * and we never use `relaxedDurability`). A SIGKILL of the server therefore loses nothing that
 * was acknowledged: the written pages live in the OS page cache and reach disk without us. Only
 * a power cut or kernel crash could lose the last commits; a deployment that must survive those
 * sets `DATABASE_URL` to a Postgres server with `fsync=on`.
 */
export async function openDb(options: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server drops (a restart, an administrator) must not crash the process:
    // the pool replaces it on the next query.
    pool.on('error', (error) => console.error(`postgres connection lost: ${error.message}`));
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    // Several coordinator processes may start together against one server: serialize migrations.
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(727274)');
      await migrateNodePg(drizzleNodePg(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
      client.release();
    }
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  const inMemory = options.dataDir.startsWith('memory://');
  const dir = inMemory ? options.dataDir : path.resolve(options.dataDir, 'pglite');
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
  return { db, kind: 'pglite', close: () => client.close() };
}

// One handle per process: Next may evaluate this module once per route bundle, and two PGlite
// instances on one data directory would corrupt it.
const globalKey = Symbol.for('spare-cycles.db');
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DbHandle> };

/** The process-wide database, opened from the environment on first use. */
export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    const settings = env();
    g[globalKey] = openDb({ databaseUrl: settings.DATABASE_URL, dataDir: settings.DATA_DIR });
    g[globalKey].catch(() => {
      delete g[globalKey];
    });
  }
  return g[globalKey];
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Replaces the process-wide database (tests open a fresh one per file). */
export function setDbHandle(handle: DbHandle | undefined): void {
  const g = globalThis as GlobalWithDb;
  if (handle) g[globalKey] = Promise.resolve(handle);
  else delete g[globalKey];
}

/**
 * Runs raw SQL and returns its rows. Both drivers answer `{rows}`; the generic database type cannot
 * say so, hence this one typed seam instead of casts at every call site.
 */
export async function queryRows<Row>(db: Queryable, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
