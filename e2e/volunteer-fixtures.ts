import { createHash } from 'node:crypto';
import { type APIRequestContext, expect, type Page } from '@playwright/test';
import { NonceHasher } from '../lib/kernels/hashsearch/nonce-hasher';
import { parseNpy, writeNpy } from '../lib/kernels/npy';

/**
 * Shared steps of the donate and volunteer e2e specs: a submitter speaking the real HTTP API, the
 * expected answers computed here with the kernels' CPU reference, and readers for the page's
 * `window.spareCycles` debugging hook (the client's own events and timestamps).
 */

export interface Submitter {
  token: string;
}

/** A submitter is an anonymous identity like any volunteer (docs/api.md "Identity"). */
export async function registerSubmitter(request: APIRequestContext): Promise<Submitter> {
  const response = await request.post('/api/v1/volunteers', { data: {} });
  expect(response.status()).toBe(201);
  return { token: (await response.json()).token };
}

export async function submitJob(
  request: APIRequestContext,
  submitter: Submitter,
  body: { kernel: string; params: unknown; inputs?: Record<string, Uint8Array>; replication?: unknown },
): Promise<{ jobId: string; shards: number }> {
  const inputs = Object.fromEntries(
    Object.entries(body.inputs ?? {}).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
  );
  const response = await request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${submitter.token}` },
    // Public: these specs download results without the submitter's token (private is the default).
    data: { ...body, inputs, title: `e2e ${body.kernel}`, visibility: 'public' },
  });
  expect(response.status(), await response.text()).toBe(201);
  return response.json();
}

/** Cancels a job a test leaves unfinished, so the next test's volunteers are not handed its shards. */
export async function cancelJob(
  request: APIRequestContext,
  submitter: Submitter,
  jobId: string,
): Promise<void> {
  await request.delete(`/api/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${submitter.token}` } });
}

export async function waitForJob(
  request: APIRequestContext,
  jobId: string,
  timeoutMs: number,
): Promise<{ status: string; progress: { total: number; verified: number } }> {
  let job: any;
  await expect
    .poll(
      async () => {
        job = await (await request.get(`/api/v1/jobs/${jobId}`)).json();
        return job.status;
      },
      { timeout: timeoutMs, intervals: [500, 1000] },
    )
    .toBe('completed');
  return job;
}

export async function downloadResult(request: APIRequestContext, jobId: string): Promise<Uint8Array> {
  const response = await request.get(`/api/v1/jobs/${jobId}/result`);
  expect(response.status()).toBe(200);
  return new Uint8Array(await response.body());
}

/** Deterministic f32 matrix entries in [-2, 2) (a small LCG, so every run checks the same product). */
export function matrix(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** A matmul job's inputs as .npy and the product C computed here on the CPU (f64 accumulation). */
export function matmulCase(m: number, n: number, k: number) {
  const a = matrix(m, k, 1);
  const b = matrix(k, n, 2);
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + ail * b[l * n + j]!;
    }
  }
  return { inputs: { a: writeNpy(m, k, a), b: writeNpy(k, n, b) }, expected: c };
}

/** The downloaded C equals the CPU product within float32 rounding (GPU sums in another order). */
export function expectMatmulResult(npy: Uint8Array, m: number, n: number, k: number, expected: Float64Array) {
  const c = parseNpy(npy, 'result');
  expect(c.shape).toEqual([m, n]);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    // |a|,|b| < 2, so each term is < 4 and the sum's rounding error is bounded by ~k·4·2^-24 per step.
    worst = Math.max(worst, Math.abs(c.data[i]! - expected[i]!));
  }
  expect(worst).toBeLessThan(k * 4 * 2 ** -20);
}

/**
 * The expected output of a hashsearch job, computed here in Node: every nonce in the range whose
 * sha256(prefix ‖ nonce as u64 LE) has ≥ difficulty leading zero bits, as the job's JSON
 * `{nonces: [decimal strings]}`. The scan uses the kernels' midstate hasher for speed; each hit is
 * re-hashed with node:crypto so the answer does not rest on our own SHA-256 alone.
 */
export function hashsearchExpected(params: {
  prefix: string;
  difficulty: number;
  nonceStart: string;
  nonceCount: number;
}): { nonces: string[] } {
  const prefix = Buffer.from(params.prefix, 'hex');
  const hasher = new NonceHasher(new Uint8Array(prefix));
  const nonces: string[] = [];
  const start = BigInt(params.nonceStart);
  for (let i = 0; i < params.nonceCount; i++) {
    const nonce = start + BigInt(i);
    const lo = Number(nonce & 0xffff_ffffn);
    const hi = Number(nonce >> 32n);
    if (hasher.leadingZeroBits(lo, hi) < params.difficulty) continue;
    const message = Buffer.alloc(prefix.length + 8);
    prefix.copy(message);
    message.writeBigUInt64LE(nonce, prefix.length);
    const digest = createHash('sha256').update(message).digest();
    expect(leadingZeroBits(digest)).toBeGreaterThanOrEqual(params.difficulty);
    nonces.push(nonce.toString());
  }
  return { nonces };
}

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export interface LoggedEvent {
  type: string;
  at: number;
  payload: any;
}

/** The client's events so far (the page's `window.spareCycles.events`). */
export async function clientEvents(page: Page, type?: string): Promise<LoggedEvent[]> {
  return page.evaluate(
    (t) => (window.spareCycles?.events ?? []).filter((e) => !t || e.type === t) as LoggedEvent[],
    type,
  );
}

/** Records every request the page (and its workers) makes, with the time it was made. */
export function recordRequests(page: Page) {
  const requests: { method: string; path: string; at: number }[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    requests.push({ method: r.method(), path: url.pathname, at: Date.now() });
  });
  return {
    requests,
    leases: () => requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/leases'),
    registrations: () => requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/volunteers'),
  };
}

/** Waits until the page has hydrated (the Donate button works only then). */
export async function openDonatePage(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Donate' })).toBeVisible();
  await page.waitForFunction(() => window.spareCycles !== undefined);
}
