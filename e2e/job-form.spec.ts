import { expect, type Page, test } from '@playwright/test';
import { writeNpy } from '../lib/kernels/npy';
import { kernelNames } from '../lib/kernels/registry';
import { matrix, openDonatePage, recordRequests } from './volunteer-fixtures';

/*
 * The job form as a submitter meets it: shapes from uploaded .npy files, every problem shown at once
 * (checked in the browser with the server's own schemas, before anything is sent), and an example
 * for every kernel that volunteers' browsers then complete.
 */

const npyFile = (name: string, rows: number, cols: number, seed: number) => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(writeNpy(rows, cols, matrix(rows, cols, seed))),
});

async function openForm(page: Page, kernel: string) {
  await page.goto('/jobs/new');
  await page.getByRole('radio', { name: new RegExp(`^${kernel}\\b`) }).check();
  await expect(page.getByRole('button', { name: 'Use the example', exact: true })).toBeEnabled();
}

test('uploading .npy matrices fills m, n and k from their shapes', async ({ page }) => {
  await openForm(page, 'matmul');
  await page.locator('#input-a').setInputFiles(npyFile('a.npy', 48, 24, 1));
  await expect(page.locator('#param-m')).toHaveValue('48');
  await expect(page.locator('#param-k')).toHaveValue('24');
  await page.locator('#input-b').setInputFiles(npyFile('b.npy', 24, 40, 2));
  await expect(page.locator('#param-n')).toHaveValue('40');
  await expect(page.locator('[role="status"][aria-live="assertive"]')).toContainText('n set to 40');
});

test('every problem is shown at once, under its own field, before anything is sent', async ({ page }) => {
  const log = recordRequests(page);
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/jobs') posts.push(r.url());
  });
  await openForm(page, 'matmul');
  await page.locator('#param-m').fill('0');
  await page.locator('#param-n').fill('1.5');
  await page.locator('#replication-min').fill('3');
  await page.locator('#replication-max').fill('2');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await expect(page.locator('#param-m-error')).toHaveText(/at least 1/);
  await expect(page.locator('#param-n-error')).toBeVisible();
  await expect(page.locator('#param-k-error')).toBeVisible();
  await expect(page.locator('#replication-max-error')).toHaveText(/max must be at least min/);
  await expect(page.locator('#input-a-error')).toHaveText(/choose a \.npy file for a/);
  await expect(page.locator('#input-b-error')).toHaveText(/choose a \.npy file for b/);
  await expect(page.locator('#param-m')).toBeFocused();
  await expect(page.locator('[role="status"][aria-live="assertive"]')).toContainText('6 things to fix');
  expect(posts).toEqual([]);
  expect(log.registrations()).toHaveLength(0);

  // Mandelbrot's blank fields: each required one says so, in the same pass.
  await page.getByRole('radio', { name: /^mandelbrot\b/ }).check();
  await page.getByRole('button', { name: 'Submit job' }).click();
  await expect(page.locator('[id^="param-"][id$="-error"]')).not.toHaveCount(0);
  expect(await page.locator('[id^="param-"][id$="-error"]').count()).toBeGreaterThan(1);
  expect(posts).toEqual([]);
});

test('each kernel’s example job completes in volunteers’ browsers', async ({ browser, page }) => {
  test.setTimeout(300_000);
  const jobIds: string[] = [];
  for (const kernel of kernelNames) {
    await openForm(page, kernel);
    await page.getByRole('button', { name: 'Use the example', exact: true }).click();
    if (kernel === 'matmul') await expect(page.locator('#input-a-help')).toContainText('Demo matrix');
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    jobIds.push(page.url().split('/').at(-1)!);
  }
  // Two volunteers, so kernels that need two agreeing results can finish.
  const donors = [await browser.newContext(), await browser.newContext()];
  try {
    for (const context of donors) {
      const donor = await context.newPage();
      await openDonatePage(donor);
      await donor.getByRole('button', { name: 'Donate' }).click();
    }
    for (const [i, jobId] of jobIds.entries()) {
      await expect
        .poll(async () => (await (await page.request.get(`/api/v1/jobs/${jobId}`)).json()).status, {
          timeout: 240_000,
          intervals: [1000, 2000],
          message: `the ${kernelNames[i]} example`,
        })
        .toBe('completed');
    }
  } finally {
    for (const context of donors) await context.close();
  }
  await page.goto(`/jobs/${jobIds[0]}`);
  await expect(page.getByTestId('job-status')).toHaveText(/completed/i);
});
