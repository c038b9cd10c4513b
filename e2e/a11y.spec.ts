import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { writeNpy } from '../lib/kernels/npy';
import { cancelJob, createMatmulJob, register, simulateMatmulVolunteer } from './jobs-fixtures';
import { matrix } from './volunteer-fixtures';

/*
 * Accessibility of the submitter pages and the leaderboard: axe-core (WCAG 2.x A/AA rules) must find
 * no serious or critical violation, in light and in dark mode, including the form with an error
 * showing. Keyboard use of the form is checked by tabbing through it.
 */

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    what,
  ).toEqual([]);
}

test('no serious or critical axe violation on /jobs, /jobs/new, /jobs/[id] and /leaderboard', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const owner = await register(request);
  const completed = await createMatmulJob(request, owner, {
    m: 16,
    n: 16,
    k: 8,
    tile: 8,
    title: 'a11y completed',
    a: writeNpy(16, 8, matrix(16, 8, 31)),
    b: writeNpy(8, 16, matrix(8, 16, 32)),
  });
  // A simulated volunteer (HTTP API, CPU matmul in Node) completes it, so the result view is checked.
  await simulateMatmulVolunteer(request, await register(request, 'a11y.example'));
  const queued = await createMatmulJob(request, owner, {
    m: 8,
    n: 8,
    k: 8,
    title: 'a11y queued',
    a: writeNpy(8, 8, matrix(8, 8, 33)),
    b: writeNpy(8, 8, matrix(8, 8, 34)),
  });

  try {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });

      await page.goto('/jobs');
      await expect(page.getByRole('row', { name: /a11y completed/ })).toBeVisible();
      await expectNoSeriousViolations(page, `/jobs (${scheme})`);

      await page.goto('/jobs/new');
      await expect(page.locator('#param-m')).toBeEditable();
      await expectNoSeriousViolations(page, `/jobs/new (${scheme})`);
      // With a server error showing under a field.
      await page.getByRole('radio', { name: /matmul/ }).check();
      await page.locator('#param-m').fill('0');
      await page.getByRole('button', { name: 'Submit job' }).click();
      await expect(page.locator('#param-m-error')).toBeVisible();
      await expectNoSeriousViolations(page, `/jobs/new with an error (${scheme})`);

      await page.goto(`/jobs/${completed.jobId}`);
      await expect(page.getByTestId('matrix-summary')).toBeVisible();
      await expectNoSeriousViolations(page, `/jobs/[id] completed (${scheme})`);

      await page.goto(`/jobs/${queued.jobId}`);
      await expect(page.getByTestId('job-status')).toHaveText('queued');
      await expectNoSeriousViolations(page, `/jobs/[id] queued (${scheme})`);

      await page.goto('/leaderboard');
      await expect(page.getByRole('cell', { name: 'a11y.example' })).toBeVisible();
      await expectNoSeriousViolations(page, `/leaderboard (${scheme})`);
    }
  } finally {
    await cancelJob(request, owner, queued.jobId);
  }
});

test('the job form is usable with the keyboard alone', async ({ page }) => {
  await page.goto('/jobs/new');
  await expect(page.locator('#param-m')).toBeEditable();
  // Arrow keys move between kernels (a radio group), Tab moves on to the title.
  const matmul = page.getByRole('radio', { name: /matmul/ });
  await matmul.focus();
  await matmul.check();
  await page.keyboard.press('Tab');
  await expect(page.locator('#title')).toBeFocused();
  await page.keyboard.type('Keyboard job');
  await page.keyboard.press('Tab');
  // The parameters start with "Use the example"; this test types its own.
  await expect(page.getByRole('button', { name: 'Use the example', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('#param-m')).toBeFocused();
  await page.keyboard.type('6');
  await page.keyboard.press('Tab');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('4');
  await page.keyboard.press('Tab'); // tileRows
  await page.keyboard.press('Tab'); // tileCols
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Use demo matrices' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#input-a-help')).toContainText('Demo matrix: 6×4');
  await page.getByRole('button', { name: 'Submit job' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Keyboard job');
  // Clean up: the owner cancels with the keyboard too.
  await page.getByRole('button', { name: 'Cancel job' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Yes, cancel the job' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-status')).toHaveText('cancelled');
});
