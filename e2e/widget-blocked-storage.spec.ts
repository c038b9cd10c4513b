import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import {
  downloadResult,
  expectMatmulResult,
  matmulCase,
  recordRequests,
  registerSubmitter,
  submitJob,
  waitForJob,
} from './volunteer-fixtures';
import { blogPage, donateInFramedCard, type HostLog, startHostServer } from './widget-host';

/*
 * The widget in a browser that blocks all site data for the card — no `localStorage`, no
 * `sessionStorage`, no cookies, partitioned or not — as a visitor who turned cookies off would have
 * it. Chromium is started with a profile whose preferences block cookies (the content setting
 * `cookies: 2`), which is what the settings page writes; the test first proves that the card really
 * cannot store anything, then that it donates anyway: consent, a verified result, stop, and a card
 * that says credit counts for this visit only.
 */

let profile: string;
let context: BrowserContext;

test.beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'spare-cycles-blocked-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({
      profile: {
        cookie_controls_mode: 1,
        block_third_party_cookies: true,
        default_content_setting_values: { cookies: 2 },
      },
    }),
  );
});

test.afterAll(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
});

test('storage blocked outright: the card says credit counts for this visit, donates, earns verified credit, stops', async ({
  request,
  baseURL,
}) => {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror ${error.message} ${error.stack}`));
  page.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(`console ${message.text()} ${JSON.stringify(message.location())}`);
  });
  page.on('requestfailed', (r) => {
    // Stop and the reload below abort what the card still had in flight (a lease poll): not failures.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      errors.push(`failed ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  const app = new URL(baseURL!).origin;
  const site = `blocked-${Date.now()}.example`;
  const blog = await startHostServer({ '/post': blogPage(app, site) });
  try {
    const log = recordRequests(page);
    await page.goto(`${blog.origin}/post`);
    const card = page.frameLocator('iframe[data-spare-cycles]');
    await expect(card.getByRole('button', { name: 'Donate' })).toBeEnabled();
    const frame = page.frames().find((f) => f.url().startsWith(`${app}/embed`))!;

    // The blocked path is the one exercised: every kind of storage is refused to the card.
    const refused = await frame.evaluate(() => {
      const attempt = (f: () => unknown) => {
        try {
          f();
          return 'allowed';
        } catch (error) {
          return (error as Error).name;
        }
      };
      // biome-ignore lint/suspicious/noDocumentCookie: the probe is what the card itself does (identity-storage.ts)
      document.cookie = 'probe=1; Path=/embed; Secure; SameSite=None; Partitioned';
      return {
        localStorage: attempt(() => localStorage.setItem('probe', '1')),
        sessionStorage: attempt(() => sessionStorage.setItem('probe', '1')),
        cookie: document.cookie,
        mode: window.spareCycles?.storageMode,
      };
    });
    expect(refused).toEqual({
      localStorage: 'SecurityError',
      sessionStorage: 'SecurityError',
      cookie: '',
      mode: 'session',
    });
    await expect(card.getByTestId('embed-storage-note')).toHaveText(/credit counts for this visit only/);
    expect(log.registrations()).toHaveLength(0);

    const submitter = await registerSubmitter(request);
    const [m, n, k] = [32, 32, 16];
    const { inputs, expected } = matmulCase(m, n, k);
    const job = await submitJob(request, submitter, {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 16, tileCols: 16 },
      inputs,
    });

    await donateInFramedCard(card);
    await expect(card.getByTestId('embed-status')).toHaveText(/^Donating/, { timeout: 15_000 });
    const done = await waitForJob(request, job.jobId, 90_000);
    expect(done.progress.verified).toBe(job.shards);
    expectMatmulResult(await downloadResult(request, job.jobId), m, n, k, expected);
    // The session's identity (memory only) earns and shows verified credit.
    await expect(card.getByTestId('embed-credit-verified')).not.toHaveText(/^(—|0)$/, { timeout: 15_000 });
    await card.getByRole('button', { name: 'Stop' }).click();
    await expect(card.getByTestId('embed-status')).toHaveText(/^Stopped/);
    await expect
      .poll(
        async () =>
          await page.evaluate(() => (window as unknown as { hostLog: HostLog }).hostLog.events.at(-1)?.type),
      )
      .toBe('sparecycles:stopped');
    expect(log.registrations()).toHaveLength(1);

    // Nothing was kept: the next visit is a new visitor, and nothing ran before its consent.
    await page.reload();
    await expect(card.getByRole('button', { name: 'Donate' })).toBeEnabled();
    await expect(card.getByTestId('embed-credit-verified')).toHaveText('—');
    // Chromium logs its own refusal of the Storage Access request the Donate click makes; nothing else.
    expect(errors.filter((e) => !e.startsWith('console requestStorageAccess: Permission denied.'))).toEqual(
      [],
    );
  } finally {
    await blog.close();
  }
});
