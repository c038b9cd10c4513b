import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Starts a private Postgres server in a temporary directory for the test run (trust auth on
 * 127.0.0.1, fsync off: the data is thrown away). As root, Postgres refuses to run, so the server
 * runs as the `postgres` user that Debian's package creates.
 */
export async function startThrowawayPostgres(): Promise<{ url: string; dir: string; stop(): void }> {
  const bin = findPostgresBin();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sc-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, uid('postgres'), gid('postgres'));
  const run = (tool: string, args: string[]) => runTool(bin, tool, args);
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    stop: () => stopThrowawayPostgres(dir),
  };
}

/**
 * Creates a fresh, randomly named database on the server at `adminUrl` and returns its URL (test
 * suites isolate themselves this way on one throwaway server).
 */
export async function createTestDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string }> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export function stopThrowawayPostgres(dir: string): void {
  try {
    runTool(findPostgresBin(), 'pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runTool(bin: string, tool: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : path.join(bin, tool);
  const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr || r.stdout}`);
}

function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (existsSync(path.join(bin, 'initdb'))) return bin;
  }
  throw new Error(
    'No PostgreSQL server found: install it (apt-get install postgresql) or set TEST_DATABASE_URL to a server you run.',
  );
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * CLI for CI: `start` prints shell assignments (TEST_DATABASE_URL, THROWAWAY_PG_DIR) and leaves the
 * server running as a daemon; `stop DIR` stops it and removes its directory.
 */
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const [command, dir] = process.argv.slice(2);
  if (command === 'start') {
    const server = await startThrowawayPostgres();
    console.log(`TEST_DATABASE_URL='${server.url}'; THROWAWAY_PG_DIR='${server.dir}'`);
  } else if (command === 'stop' && dir) {
    stopThrowawayPostgres(dir);
  } else {
    console.error('usage: throwaway-postgres.ts start | stop DIR');
    process.exit(2);
  }
}
