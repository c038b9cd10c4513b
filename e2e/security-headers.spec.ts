import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';

/*
 * Headers on every page (CSP with scripts from self + nonce, WebGPU worker and wasm allowed,
 * nosniff, Referrer-Policy) — and the pages still run under that CSP (no violation, they hydrate).
 * Every malformed API path answers the JSON error shape, whatever the id looks like.
 */

const pages = ['/', '/jobs', '/jobs/new', '/leaderboard', '/rewards', '/embed?site=example.org', '/lab'];

for (const path of pages) {
  test(`${path}: CSP, nosniff and Referrer-Policy, and no CSP violation while it runs`, async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text()))
        violations.push(message.text());
    });
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain(path.startsWith('/embed') ? 'frame-ancestors *' : "frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    // Every script Next.js put on the page carries the nonce (inline ones would be blocked otherwise).
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const scripts = await page
      .locator('script')
      .evaluateAll((all) =>
        all.map((s) => ({ nonce: (s as HTMLScriptElement).nonce, src: (s as HTMLScriptElement).src })),
      );
    for (const s of scripts.filter((s) => !s.src)) expect(s.nonce).toBe(nonce);
    await page.waitForLoadState('load');
    await page.waitForTimeout(1500); // hydration and the first effects run (some pages poll: no networkidle)
    expect(violations).toEqual([]);
  });
}

test('the page hydrates and the WebGPU compute worker runs its kernels under the page CSP', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto('/lab');
  await page.getByRole('button', { name: 'Run self-test' }).click();
  await expect(page.getByRole('status')).toHaveText(/^All 4 checks passed\./, { timeout: 90_000 });
  expect(workers).toHaveLength(1);
  expect(violations).toEqual([]);
});

test('a method a route does not answer gets a JSON 405 that names the ones it does', async ({ request }) => {
  const r = await request.fetch('/api/v1/jobs', { method: 'PATCH' });
  expect(r.status()).toBe(405);
  expect(r.headers().allow).toBe('GET, POST, HEAD, OPTIONS');
  expect((await r.json()).error).toEqual({
    code: 'method_not_allowed',
    message: 'PATCH is not allowed on /api/v1/jobs; use GET or POST.',
  });
});

/** GET with the path sent exactly as written (no client-side normalization), following up to `hops` redirects. */
function rawGet(
  origin: string,
  path: string,
  hops = 3,
): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => {
        const location = res.headers.location;
        if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && hops > 0) {
          resolve(rawGet(origin, location, hops - 1));
        } else
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const malformed = [
  '/api/v1/blobs/..',
  '/api/v1/jobs/..',
  '/api/v1/jobs/%2e%2e',
  '/api/v1/..',
  '/api/v1/blobs/%2e%2e',
  '/api/v1/jobs/%2E%2E/result',
  '/api/v1/blobs/%E0%A4%A',
  '/api/v1/jobs/%E0%A4%A',
  '/api/v1/leases/%/result',
  '/api/v1/jobs/%00',
  '/api/v1/nope',
  '/api/v1/jobs/00000000-0000-4000-8000-000000000000/nope',
  '/api/v1',
  '/api/v1/',
  '/api/v2/jobs',
];

for (const path of malformed) {
  test(`GET ${path} answers the JSON error shape`, async ({ baseURL }) => {
    // No redirects followed: a client must get the JSON error from the path it sent.
    const r = await rawGet(new URL(baseURL!).origin, path, 0);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.type).toMatch(/^application\/json/);
    const body = JSON.parse(r.body);
    expect(body.error.code).toMatch(/^[a-z_]+$/);
    expect(typeof body.error.message).toBe('string');
  });
}

test('a page path with a trailing slash is redirected to the path without it', async ({ baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const r = await rawGet(origin, '/rewards/', 0);
  expect(r.status).toBe(308);
  const followed = await rawGet(origin, '/rewards/');
  expect(followed.status).toBe(200);
  expect(followed.type).toMatch(/^text\/html/);
});
