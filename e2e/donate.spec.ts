import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  cancelJob,
  clientEvents,
  downloadResult,
  expectMatmulResult,
  matmulCase,
  openDonatePage,
  recordRequests,
  registerSubmitter,
  submitJob,
  waitForJob,
} from './volunteer-fixtures';

/*
 * The donate page against the real server (Next production build, PGlite, anvil) in real Chromium
 * with WebGPU (SwiftShader without a GPU): the real compute worker runs every shard.
 */

async function expectStatus(page: Page, text: RegExp, timeout = 10_000) {
  await expect(page.getByTestId('donate-status')).toHaveText(text, { timeout });
}

test('nothing runs before Donate; a submitted matmul job completes with the right product; Stop ends leasing', async ({
  page,
  request,
}) => {
  const log = recordRequests(page);
  await openDonatePage(page);
  const submitter = await registerSubmitter(request);
  const [m, n, k] = [48, 40, 24];
  const { inputs, expected } = matmulCase(m, n, k);
  // 16×16 tiles: 3×3 = 9 shards (edge tiles smaller), all for this one volunteer.
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m, n, k, tileRows: 16, tileCols: 16 },
    inputs,
  });
  expect(job.shards).toBe(9);

  // Consent: the page has been up with work waiting, yet nothing was leased, registered or started.
  await page.waitForTimeout(1500);
  expect(log.leases()).toHaveLength(0);
  expect(log.registrations()).toHaveLength(0);
  expect(page.workers()).toHaveLength(0);
  await expectStatus(page, /Nothing runs until you press Donate/);

  await page.getByRole('button', { name: 'Donate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expectStatus(page, /^Donating/);
  await expect(page.getByTestId('stat-device')).not.toHaveText('—');
  expect(page.workers()).toHaveLength(1);
  expect(log.registrations()).toHaveLength(1);

  const done = await waitForJob(request, job.jobId, 90_000);
  expect(done.progress.verified).toBe(9);
  expectMatmulResult(await downloadResult(request, job.jobId), m, n, k, expected);

  // The page shows the work: 9 shards, and credit verified by the server's Freivalds check.
  await expect(page.getByTestId('stat-shards')).toHaveText('9');
  await expect(page.getByTestId('stat-credit-verified')).not.toHaveText(/^(—|0 WU)$/, { timeout: 15_000 });
  const shards = await clientEvents(page, 'shard');
  expect(shards.map((s) => s.payload.kernel)).toEqual(Array(9).fill('matmul'));

  // The identity persists in this browser.
  const stored = await page.evaluate(() => localStorage.getItem('spare-cycles.volunteer'));
  expect(JSON.parse(stored!)).toMatchObject({ volunteerId: expect.any(String), token: expect.any(String) });

  await page.getByRole('button', { name: 'Stop' }).click();
  const stoppedAt = Date.now();
  await expectStatus(page, /^Stopped/, 1000);
  await page.waitForTimeout(3000);
  expect(log.leases().filter((r) => r.at >= stoppedAt)).toHaveLength(0);
  expect(page.workers()).toHaveLength(0);

  // A reload keeps the identity and shows its credit without registering or leasing.
  const leasesBefore = log.leases().length;
  await openDonatePage(page);
  await expect(page.getByTestId('stat-credit-verified')).not.toHaveText(/^(—|0 WU)$/);
  expect(log.registrations()).toHaveLength(1);
  expect(log.leases()).toHaveLength(leasesBefore);
});

test('Stop halts within 1 s, mid-job', async ({ page, request }) => {
  const log = recordRequests(page);
  await openDonatePage(page);
  const submitter = await registerSubmitter(request);
  // Plenty of work: this test stops long before the job is done.
  const { inputs } = matmulCase(256, 256, 256);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m: 256, n: 256, k: 256, tileRows: 32, tileCols: 32 },
    inputs,
  });
  try {
    await page.getByRole('button', { name: 'Donate' }).click();
    await expect
      .poll(async () => (await clientEvents(page, 'shard')).length, { timeout: 60_000 })
      .toBeGreaterThan(2);

    // Press Stop from inside the page so its own clock marks the moment.
    const stop = await page.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Stop')!;
      const at = performance.now();
      const wall = Date.now();
      button.click();
      return { at, wall };
    });
    await expectStatus(page, /^Stopped/, 1000);
    await expect(page.getByRole('button', { name: 'Donate' })).toBeVisible({ timeout: 1000 });
    await expect.poll(() => page.workers().length, { timeout: 1000, intervals: [50] }).toBe(0);

    await page.waitForTimeout(2500);
    const shards = await clientEvents(page, 'shard');
    // No shard started after Stop; one already on the GPU finished within the second.
    for (const s of shards) {
      expect(s.payload.startedAt).toBeLessThan(stop.at);
      expect(s.payload.finishedAt).toBeLessThan(stop.at + 1000);
    }
    expect(log.leases().filter((r) => r.at > stop.wall + 50)).toHaveLength(0);
    // Every finished shard was submitted (none lost to Stop).
    const submitted = new Set((await clientEvents(page, 'submitted')).map((e) => e.payload.leaseId));
    for (const s of shards) expect(submitted.has(s.payload.leaseId)).toBe(true);
  } finally {
    await cancelJob(request, submitter, job.jobId);
  }
});

test('pauses while the tab is hidden and resumes when it is shown', async ({ page, request }) => {
  await openDonatePage(page);
  const submitter = await registerSubmitter(request);
  const { inputs } = matmulCase(256, 256, 128);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m: 256, n: 256, k: 128, tileRows: 32, tileCols: 32 },
    inputs,
  });
  try {
    await page.getByRole('button', { name: 'Donate' }).click();
    await expect
      .poll(async () => (await clientEvents(page, 'shard')).length, { timeout: 60_000 })
      .toBeGreaterThan(0);

    // Headless Chromium never hides a page, so visibility is overridden and its event fired:
    // the page code under test reads document.visibilityState exactly as it would for a real tab.
    const hiddenAt = await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      return performance.now();
    });
    await expectStatus(page, /^Paused while this tab is hidden/, 1000);
    await page.waitForTimeout(2000);
    const whileHidden = (await clientEvents(page, 'shard')).filter((s) => s.payload.startedAt > hiddenAt);
    expect(whileHidden).toHaveLength(0);

    const shownAt = await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
      return performance.now();
    });
    await expectStatus(page, /^Donating/, 1000);
    await expect
      .poll(
        async () => (await clientEvents(page, 'shard')).filter((s) => s.payload.startedAt > shownAt).length,
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(0);
    const states = (await clientEvents(page, 'state')).map((e) => e.payload.state);
    expect(states).toEqual(['starting', 'running', 'paused', 'running']);
    await page.getByRole('button', { name: 'Stop' }).click();
  } finally {
    await cancelJob(request, submitter, job.jobId);
  }
});

test('the throttle slider is labelled and keyboard-usable', async ({ page }) => {
  await openDonatePage(page);
  const slider = page.getByRole('slider', { name: 'GPU use' });
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('throttle-value')).toHaveText('10 %');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('throttle-value')).toHaveText('20 %');
  expect(await page.evaluate(() => window.spareCycles!.client.duty)).toBeCloseTo(0.2);
  await page.keyboard.press('End');
  await expect(page.getByTestId('throttle-value')).toHaveText('100 %');
  // The Donate button is reachable by keyboard too.
  await page.getByRole('button', { name: 'Donate' }).focus();
  await expect(page.getByRole('button', { name: 'Donate' })).toBeFocused();
});

test('the page has no detectable accessibility violations, idle and running, light and dark', async ({
  page,
}) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await openDonatePage(page);
    const idle = await new AxeBuilder({ page }).analyze();
    expect(idle.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }
  await page.getByRole('button', { name: 'Donate' }).click();
  await expectStatus(page, /^Donating/);
  const running = await new AxeBuilder({ page }).analyze();
  expect(running.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('screenshots of / at desktop and phone widths', async ({ page, request }) => {
  const submitter = await registerSubmitter(request);
  // Enough shards for both widths: a stopped volunteer's prefetched leases are not offered to it
  // again, and the second width runs under the same (persisted) identity.
  const { inputs } = matmulCase(512, 256, 64);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m: 512, n: 256, k: 64, tileRows: 16, tileCols: 16 },
    inputs,
  });
  try {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await openDonatePage(page);
      await page.screenshot({ path: `test-results/screenshots/donate-${name}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Donate' }).click();
      await expect
        .poll(async () => (await clientEvents(page, 'shard')).length, { timeout: 60_000 })
        .toBeGreaterThan(3);
      await page.waitForTimeout(2500); // a few sparkline samples
      // No horizontal overflow at this width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.screenshot({ path: `test-results/screenshots/donate-${name}-running.png`, fullPage: true });
      await page.getByRole('button', { name: 'Stop' }).click();
      await expectStatus(page, /^Stopped/);
    }
  } finally {
    await cancelJob(request, submitter, job.jobId);
  }
});
