import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, expect, type Page } from '@playwright/test';
import { privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';

/**
 * Steps shared by the submitter and leaderboard specs. The simulated volunteer speaks the real HTTP
 * protocol and computes matmul shards on the CPU here in Node (the kernel's own reference pulls in
 * WGSL modules Playwright cannot load); it is used where a test needs finished work without
 * spending minutes of SwiftShader time, and says so. The submitter flow itself is tested with the
 * real donate page in `jobs.spec.ts`.
 */

export interface Identity {
  volunteerId: string;
  token: string;
}

export async function register(request: APIRequestContext, site?: string): Promise<Identity> {
  const response = await request.post('/api/v1/volunteers', { data: site ? { site } : {} });
  expect(response.status()).toBe(201);
  return response.json();
}

/** C block = A block · B block in float32, i-k-j order, as the matmul kernel's CPU reference does. */
function matmulShard(params: { rows: number; cols: number; k: number }, a: Uint8Array, b: Uint8Array) {
  const { rows, cols, k } = params;
  const av = new Float32Array(a.slice().buffer);
  const bv = new Float32Array(b.slice().buffer);
  const c = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < k; l++) {
      const ail = av[i * k + l]!;
      for (let j = 0; j < cols; j++)
        c[i * cols + j] = Math.fround(c[i * cols + j]! + ail * bv[l * cols + j]!);
    }
  }
  return new Uint8Array(c.buffer);
}

/**
 * Leases and honestly completes matmul shards over HTTP until `max` are done or none is left;
 * returns how many it did.
 */
export async function simulateMatmulVolunteer(
  request: APIRequestContext,
  volunteer: Identity,
  max = Number.POSITIVE_INFINITY,
): Promise<number> {
  const headers = { authorization: `Bearer ${volunteer.token}` };
  let done = 0;
  while (done < max) {
    const leaseResponse = await request.post('/api/v1/leases', {
      headers,
      data: { max: Math.min(8, max - done), webgpu: false, kernels: ['matmul'] },
    });
    expect(leaseResponse.status()).toBe(200);
    const { leases } = (await leaseResponse.json()) as {
      leases: { leaseId: string; params: any; inputs: { name: string; url: string }[] }[];
    };
    if (leases.length === 0) return done;
    const multipart: Record<string, { name: string; mimeType: string; buffer: Buffer }> = {};
    for (const lease of leases) {
      const blobs: Record<string, Uint8Array> = {};
      for (const input of lease.inputs) {
        const blob = await request.get(input.url);
        expect(blob.status()).toBe(200);
        blobs[input.name] = new Uint8Array(await blob.body());
      }
      multipart[lease.leaseId] = {
        name: 'result.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(matmulShard(lease.params, blobs.a!, blobs.b!)),
      };
    }
    const submitted = await request.post('/api/v1/results', { headers, multipart });
    expect(submitted.status()).toBe(200);
    // Stored now; the validator decides each result shortly after (docs/api.md).
    for (const result of (await submitted.json()).results)
      expect(['pending', 'valid']).toContain(result.status);
    done += leases.length;
  }
  // Freivalds verifies each result alone: wait, as a volunteer would, until the validator has
  // decided them (nothing of this volunteer's is pending any more).
  await waitForVerdicts(request, headers);
  return done;
}

/** Polls `GET /api/v1/volunteers/me` until none of the volunteer's credit is pending (30 s at most). */
export async function waitForVerdicts(
  request: APIRequestContext,
  headers: Record<string, string>,
): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const me = await (await request.get('/api/v1/volunteers/me', { headers })).json();
    if (me.credit.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('results were not validated within 30 s');
}

/** Links a wallet to the volunteer with Sign-In with Ethereum over HTTP, signing with a test key. */
export async function linkWallet(
  request: APIRequestContext,
  volunteer: Identity,
  privateKey: `0x${string}`,
): Promise<string> {
  const account = privateKeyToAccount(privateKey);
  const headers = { authorization: `Bearer ${volunteer.token}` };
  const nonceResponse = await request.get('/api/v1/auth/nonce', { headers });
  expect(nonceResponse.status(), await nonceResponse.text()).toBe(200);
  const nonce = await nonceResponse.json();
  const message = createSiweMessage({
    address: account.address,
    chainId: nonce.chainId,
    domain: nonce.domain,
    uri: nonce.uri,
    nonce: nonce.nonce,
    version: '1',
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 5 * 60_000),
  });
  const signature = await account.signMessage({ message });
  const verified = await request.post('/api/v1/auth/verify', { headers, data: { message, signature } });
  expect(verified.status(), await verified.text()).toBe(200);
  return account.address.toLowerCase();
}

/** A small matmul job submitted over the API (JSON with base64 inputs). */
export async function createMatmulJob(
  request: APIRequestContext,
  owner: Identity,
  options: { m: number; n: number; k: number; tile?: number; title?: string; a: Uint8Array; b: Uint8Array },
): Promise<{ jobId: string; shards: number }> {
  const response = await request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${owner.token}` },
    data: {
      kernel: 'matmul',
      params: {
        m: options.m,
        n: options.n,
        k: options.k,
        ...(options.tile ? { tileRows: options.tile, tileCols: options.tile } : {}),
      },
      inputs: { a: Buffer.from(options.a).toString('base64'), b: Buffer.from(options.b).toString('base64') },
      ...(options.title ? { title: options.title } : {}),
      // The job pages show params and results to anyone, as jobs from the web form are.
      visibility: 'public',
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return response.json();
}

/**
 * Cancels a job a test leaves unfinished, so the simulated volunteers of later tests (which take
 * any matmul shard) only find the work those tests expect.
 */
export async function cancelJob(request: APIRequestContext, owner: Identity, jobId: string): Promise<void> {
  const response = await request.delete(`/api/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${owner.token}` },
  });
  expect([200, 409]).toContain(response.status());
}

/** Makes this page's browser use `identity` as its stored identity (the donate page's key). */
export async function useIdentity(page: Page, identity: Identity): Promise<void> {
  await page.addInitScript((value) => {
    localStorage.setItem('spare-cycles.volunteer', value);
  }, JSON.stringify(identity));
}

export const screenshotDir = path.join('test-results', 'screenshots');

/** Full-page screenshots at desktop (1280×800) and phone (390×844) widths. */
export async function screenshotBoth(
  page: Page,
  url: string,
  name: string,
  ready: (page: Page) => Promise<void>,
) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.goto(url);
    await ready(page);
    // A page must not scroll sideways at phone width (responsive layout).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${url} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
}
