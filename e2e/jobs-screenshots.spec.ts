import { expect, test } from '@playwright/test';
import { writeNpy } from '../lib/kernels/npy';
import {
  cancelJob,
  createMatmulJob,
  register,
  screenshotBoth,
  simulateMatmulVolunteer,
} from './jobs-fixtures';
import { matrix } from './volunteer-fixtures';

/*
 * Screenshots of the submitter pages and the leaderboard at desktop (1280×800) and phone (390×844)
 * widths, in light and dark mode, under test-results/screenshots/; each page is also checked not to
 * scroll sideways at either width. The finished work comes from a simulated volunteer over the
 * HTTP API (CPU matmul in Node, see jobs-fixtures.ts) so the pages have something to show.
 */

test('screenshots of /jobs, /jobs/new, /jobs/[id] and /leaderboard', async ({ page, request }) => {
  test.setTimeout(120_000);
  const owner = await register(request);
  const done = await createMatmulJob(request, owner, {
    m: 64,
    n: 48,
    k: 32,
    tile: 16,
    title: 'Covariance block 64×48',
    a: writeNpy(64, 32, matrix(64, 32, 21)),
    b: writeNpy(32, 48, matrix(32, 48, 22)),
  });
  await simulateMatmulVolunteer(request, await register(request, 'physics.example.edu'));
  const running = await createMatmulJob(request, owner, {
    m: 64,
    n: 64,
    k: 16,
    tile: 16,
    title: 'Half-done product',
    a: writeNpy(64, 16, matrix(64, 16, 23)),
    b: writeNpy(16, 64, matrix(16, 64, 24)),
  });
  await simulateMatmulVolunteer(request, await register(request, 'blog.example.com'), 7);
  const queued = await createMatmulJob(request, owner, {
    m: 8,
    n: 8,
    k: 8,
    a: writeNpy(8, 8, matrix(8, 8, 25)),
    b: writeNpy(8, 8, matrix(8, 8, 26)),
  });

  try {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const suffix = scheme === 'dark' ? '-dark' : '';
      await screenshotBoth(page, '/jobs', `jobs${suffix}`, async (p) => {
        await expect(p.getByRole('row', { name: /Covariance block/ })).toBeVisible();
      });
      await screenshotBoth(page, '/jobs/new', `jobs-new${suffix}`, async (p) => {
        await expect(p.locator('#param-m')).toBeEditable();
      });
      await screenshotBoth(page, '/jobs/new', `jobs-new-wgsl${suffix}`, async (p) => {
        await p.getByRole('radio', { name: /^wgsl/ }).check();
        await p
          .locator('#param-code')
          .fill(
            '@group(0) @binding(0) var<storage, read> input: array<u32>;\n@compute @workgroup_size(64)\nfn main() {\n  let x: u32 = input[0] + missing;\n}',
          );
        await p.getByRole('button', { name: 'Dry run in this browser' }).click();
        await expect(p.getByTestId('dry-run-result')).toContainText('Compile error', { timeout: 30_000 });
      });
      await screenshotBoth(page, `/jobs/${done.jobId}`, `job-completed${suffix}`, async (p) => {
        await expect(p.getByTestId('matrix-summary')).toContainText('Matrix 64×48');
      });
      await screenshotBoth(page, `/jobs/${running.jobId}`, `job-running${suffix}`, async (p) => {
        await expect(p.getByTestId('progress-text')).toHaveText('7 of 16 shards verified (43 %)');
      });
      await screenshotBoth(page, '/leaderboard', `leaderboard${suffix}`, async (p) => {
        await expect(p.getByRole('cell', { name: 'physics.example.edu' })).toBeVisible();
      });
    }
  } finally {
    await cancelJob(request, owner, running.jobId);
    await cancelJob(request, owner, queued.jobId);
  }
});
