import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { clock } from '@/lib/coordinator/clock';
import { drainPipeline, type Pipeline, startPipeline } from '@/lib/coordinator/pipeline/run-pipeline';
import { type Db, type DbHandle, openDb, setDbHandle } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { createTestDatabase } from '@/scripts/throwaway-postgres';
import { GET as getNonce } from '../auth/nonce/route';
import { POST as postVerify } from '../auth/verify/route';
import { GET as getBlob } from '../blobs/[sha256]/route';
import { GET as listEpochsRoute, POST as postEpochs } from '../epochs/route';
import { POST as postGrants } from '../grants/route';
import { GET as getJobEvents } from '../jobs/[id]/events/route';
import { GET as getJobResult } from '../jobs/[id]/result/route';
import { DELETE as deleteJob, GET as getJobRoute } from '../jobs/[id]/route';
import { GET as listJobsRoute, POST as postJob } from '../jobs/route';
import { POST as postLeaseError } from '../leases/[leaseId]/error/route';
import { PUT as putResult } from '../leases/[leaseId]/result/route';
import { DELETE as deleteLease } from '../leases/[leaseId]/route';
import { POST as postLeases } from '../leases/route';
import { POST as postResults } from '../results/route';
import { GET as getRewardsRoute } from '../rewards/[address]/route';
import { GET as getMe } from '../volunteers/me/route';
import { POST as postVolunteers } from '../volunteers/route';
import { POST as postWithdrawals } from '../withdrawals/route';

/**
 * Integration tests call the real route handlers with real `Request`s against a real database:
 * embedded PGlite (TEST_DB=pglite) or a Postgres server (TEST_DB=postgres, TEST_DATABASE_URL).
 * Each test file gets a fresh database.
 */
export interface TestDb extends DbHandle {
  /** Closes the handle and, on a server, drops the database. */
  dispose(): Promise<void>;
  /** Re-opens the same data (a coordinator restart). */
  reopen(): Promise<TestDb>;
}

export const backend = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export async function openTestDb(): Promise<TestDb> {
  if (backend === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      throw new Error(
        'TEST_DB=postgres needs TEST_DATABASE_URL (npm test starts a throwaway server and sets it).',
      );
    }
    const { name, url } = await createTestDatabase(adminUrl, 'sc_test');
    const open = async (): Promise<TestDb> => {
      const handle = await openDb({ databaseUrl: url, dataDir: 'unused' });
      setDbHandle(handle);
      const pipeline = runPipelineFor(handle);
      return {
        ...handle,
        reopen: async () => {
          await pipeline.stop();
          await handle.close();
          return open();
        },
        dispose: async () => {
          await pipeline.stop();
          await handle.close();
          setDbHandle(undefined);
          const drop = new pg.Client({ connectionString: adminUrl });
          await drop.connect();
          await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await drop.end();
        },
      };
    };
    return open();
  }
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'sc-pglite-'));
  const open = async (): Promise<TestDb> => {
    const handle = await openDb({ dataDir: dir });
    setDbHandle(handle);
    const pipeline = runPipelineFor(handle);
    return {
      ...handle,
      reopen: async () => {
        await pipeline.stop();
        await handle.close();
        return open();
      },
      dispose: async () => {
        await pipeline.stop();
        await handle.close();
        setDbHandle(undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
  return open();
}

/** A test file's database, as `testDbForFile` hands it out. */
export interface TestFileDb {
  /** The open database (from the file's first `beforeAll` on). */
  readonly db: Db;
  /** Closes and re-opens the same data, pipeline included: a coordinator restart. */
  restart(): Promise<void>;
}

/**
 * Gives the calling test file a fresh database: opened before its tests (before the file's own
 * `beforeAll` hooks, when called first) and disposed of after them.
 * @example
 * const testDb = testDbForFile();
 * it('stores a job', async () => { await createJob(testDb.db, …); });
 */
export function testDbForFile(): TestFileDb {
  let open: TestDb | undefined;
  beforeAll(async () => {
    open = await openTestDb();
  });
  afterAll(async () => {
    await open?.dispose();
  });
  const opened = (): TestDb => {
    if (!open)
      throw new Error('testDbForFile: the database opens in beforeAll; use it inside hooks and tests');
    return open;
  };
  return {
    get db() {
      return opened().db;
    },
    async restart() {
      open = await opened().reopen();
    },
  };
}

let current: DbHandle | undefined;

/** The validator and assimilator run in the background, as in the server (worker threads included). */
function runPipelineFor(handle: DbHandle): Pipeline {
  current = handle;
  return startPipeline(async () => handle.db, { pollMs: 20 });
}

/** Waits until the pipeline has decided every stored result and assembled every finished job. */
export async function settle(): Promise<void> {
  if (!current) throw new Error('no test database is open');
  await drainPipeline(current.db);
}

/**
 * Gives a volunteer `consecutiveValid` consecutive valid results on `kernel` without the work (as if
 * it had done it earlier): tests of rules that need a reputable or trusted volunteer.
 */
export async function grantReputation(
  volunteerId: string,
  kernel: string,
  consecutiveValid = 10,
): Promise<void> {
  if (!current) throw new Error('no test database is open');
  await current.db.execute(sql`
    INSERT INTO reputations (volunteer_id, kernel, consecutive_valid, updated_at)
    VALUES (${volunteerId}::uuid, ${kernel}, ${consecutiveValid}, ${clock.now()})
    ON CONFLICT (volunteer_id, kernel) DO UPDATE SET consecutive_valid = EXCLUDED.consecutive_valid,
      updated_at = EXCLUDED.updated_at
  `);
}

const base = 'http://127.0.0.1:3000';

/**
 * Route handlers called directly have no client address (no production server in front): every
 * simulated volunteer is then like a loopback one. A test that needs addresses sends them as the
 * production server would, with this process's secret (scripts/next-server.mjs).
 */
const clientSecret = 'test-client-address-secret-0123456789';

export function fromAddress(address: string | undefined): Record<string, string> {
  if (!address) return {};
  if (process.env.CLIENT_ADDRESS_SECRET !== clientSecret) {
    process.env.CLIENT_ADDRESS_SECRET = clientSecret;
    resetEnvCache();
  }
  return { 'x-spare-cycles-client': `${clientSecret} ${address}` };
}

function ctx<T extends Record<string, string>>(params: T) {
  return { params: Promise.resolve(params) };
}

function auth(token?: string): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body: body as T, headers: response.headers };
}

function jsonRequest(
  path: string,
  method: string,
  body: unknown,
  token?: string,
  raw?: string,
  extraHeaders: Record<string, string> = {},
): Request {
  return new Request(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...auth(token), ...extraHeaders },
    body: raw ?? JSON.stringify(body),
  });
}

/** A thin client over the route handlers, shaped like the HTTP API. */
export const api = {
  /** `POST /api/v1/volunteers`; `headers` as a client (or the production server) would send them. */
  register: async (body: unknown = {}, raw?: string, headers: Record<string, string> = {}) =>
    answer<{ volunteerId: string; token: string }>(
      await postVolunteers(jsonRequest('/api/v1/volunteers', 'POST', body, undefined, raw, headers)),
    ),
  me: async (token?: string) =>
    answer<any>(await getMe(new Request(`${base}/api/v1/volunteers/me`, { headers: auth(token) }))),
  createJob: async (token: string | undefined, body: unknown, raw?: string) =>
    answer<any>(await postJob(jsonRequest('/api/v1/jobs', 'POST', body, token, raw))),
  createJobRequest: async (request: Request) => answer<any>(await postJob(request)),
  listJobs: async (query = '', token?: string) =>
    answer<any>(await listJobsRoute(new Request(`${base}/api/v1/jobs${query}`, { headers: auth(token) }))),
  job: async (id: string, token?: string) =>
    answer<any>(
      await getJobRoute(new Request(`${base}/api/v1/jobs/${id}`, { headers: auth(token) }), ctx({ id })),
    ),
  cancel: async (token: string | undefined, id: string) =>
    answer<any>(
      await deleteJob(
        new Request(`${base}/api/v1/jobs/${id}`, { method: 'DELETE', headers: auth(token) }),
        ctx({ id }),
      ),
    ),
  /** `GET /api/v1/jobs/{id}/result`; a private job's needs its submitter's `token`. */
  result: async (id: string, token?: string) =>
    answer<any>(
      await getJobResult(
        new Request(`${base}/api/v1/jobs/${id}/result`, { headers: auth(token) }),
        ctx({ id }),
      ),
    ),
  events: async (id: string, signal?: AbortSignal) =>
    getJobEvents(new Request(`${base}/api/v1/jobs/${id}/events`, { signal }), ctx({ id })),
  lease: async (
    token: string | undefined,
    body: unknown,
    raw?: string,
    headers: Record<string, string> = {},
  ) => answer<any>(await postLeases(jsonRequest('/api/v1/leases', 'POST', body, token, raw, headers))),
  release: async (token: string | undefined, leaseId: string) =>
    answer<any>(
      await deleteLease(
        new Request(`${base}/api/v1/leases/${leaseId}`, { method: 'DELETE', headers: auth(token) }),
        ctx({ leaseId }),
      ),
    ),
  reportError: async (token: string | undefined, leaseId: string, body: unknown) =>
    answer<any>(
      await postLeaseError(
        jsonRequest(`/api/v1/leases/${leaseId}/error`, 'POST', body, token),
        ctx({ leaseId }),
      ),
    ),
  put: async (token: string | undefined, leaseId: string, bytes: Uint8Array) =>
    answer<any>(
      await putResult(
        new Request(`${base}/api/v1/leases/${leaseId}/result`, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream', ...auth(token) },
          body: new Uint8Array(bytes),
        }),
        ctx({ leaseId }),
      ),
    ),
  batch: async (token: string | undefined, parts: { leaseId: string; bytes: Uint8Array }[]) => {
    const form = new FormData();
    for (const p of parts) form.append(p.leaseId, new Blob([new Uint8Array(p.bytes)]), 'result.bin');
    return answer<any>(
      await postResults(
        new Request(`${base}/api/v1/results`, { method: 'POST', headers: auth(token), body: form }),
      ),
    );
  },
  resultsRequest: async (request: Request) => answer<any>(await postResults(request)),
  /** `GET /api/v1/blobs/{sha256}[?query]`, as a stranger or as `token`. */
  blob: async (sha256: string, options: { token?: string; query?: string } = {}) =>
    answer<any>(
      await getBlob(
        new Request(`${base}/api/v1/blobs/${sha256}${options.query ?? ''}`, { headers: auth(options.token) }),
        ctx({ sha256 }),
      ),
    ),
  /** `GET /api/v1/auth/nonce`; `origin` stands in for the host the request was sent to. */
  siweNonce: async (token: string | undefined, origin = base) =>
    answer<any>(await getNonce(new Request(`${origin}/api/v1/auth/nonce`, { headers: auth(token) }))),
  siweVerify: async (token: string | undefined, body: unknown, origin = base) =>
    answer<any>(
      await postVerify(
        new Request(`${origin}/api/v1/auth/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth(token) },
          body: JSON.stringify(body),
        }),
      ),
    ),
  /** `POST /api/v1/epochs` with `authorization` sent as given (e.g. `Bearer <ADMIN_TOKEN>`). */
  closeEpoch: async (authorization?: string) =>
    answer<any>(
      await postEpochs(
        new Request(`${base}/api/v1/epochs`, {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        }),
      ),
    ),
  /** `POST /api/v1/grants` (operator). */
  grant: async (authorization: string | undefined, body: unknown) =>
    answer<any>(
      await postGrants(
        new Request(`${base}/api/v1/grants`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(body),
        }),
      ),
    ),
  /** `POST /api/v1/withdrawals` as the volunteer `token`. */
  withdraw: async (token: string | undefined, body: unknown) =>
    answer<any>(
      await postWithdrawals(
        new Request(`${base}/api/v1/withdrawals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth(token) },
          body: JSON.stringify(body),
        }),
      ),
    ),
  epochs: async (query = '') =>
    answer<any>(await listEpochsRoute(new Request(`${base}/api/v1/epochs${query}`))),
  rewards: async (address: string) =>
    answer<any>(await getRewardsRoute(new Request(`${base}/api/v1/rewards/${address}`), ctx({ address }))),
};

/** Fetches a lease's inputs through the blob route at the URL the lease names, as a worker would. */
export async function leaseInputs(lease: { inputs: { name: string; sha256: string; url: string }[] }) {
  const inputs: Record<string, Uint8Array> = {};
  for (const input of lease.inputs) {
    const r = await api.blob(input.sha256, { query: new URL(input.url, base).search });
    if (r.status !== 200) throw new Error(`blob ${input.sha256}: ${r.status}`);
    inputs[input.name] = r.body as Uint8Array;
  }
  return inputs;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
