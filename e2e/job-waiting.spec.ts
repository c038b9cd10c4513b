import { expect, test } from '@playwright/test';
import { cancelJob, openDonatePage, registerSubmitter, submitJob, waitForJob } from './volunteer-fixtures';

/*
 * A job that needs two agreeing results per shard, with one volunteer: the volunteer computes every
 * shard once and then has nothing it may take, so the job cannot finish. Its page must say what it
 * waits for (with the figures), offer "donate from this browser", and finish once a second, different
 * volunteer comes.
 */

test('a one-volunteer quorum job says it needs a second volunteer, and finishes when one comes', async ({
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  const submitter = await registerSubmitter(request);
  const job = await submitJob(request, submitter, {
    kernel: 'mandelbrot',
    params: { width: 32, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 32, tileSize: 16 },
  });
  expect(job.shards).toBe(4);
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    // One volunteer donates from the donate page until it has a result for every shard.
    const donor = await first.newPage();
    await openDonatePage(donor);
    await donor.getByRole('button', { name: 'Donate' }).click();
    await expect
      .poll(async () => (await (await request.get(`/api/v1/jobs/${job.jobId}/activity`)).json()).job, {
        timeout: 90_000,
      })
      .toMatchObject({ quorum: 2, shardsAwaitingAgreement: 4, volunteersContributed: 1 });
    // With nothing it may take, the donor says it waits rather than that the queue is empty.
    await expect(donor.getByTestId('donate-status')).toHaveText(/nothing this browser may compute/, {
      timeout: 30_000,
    });

    // The job page, in another browser, explains the wait with the figures.
    const watcher = await second.newPage();
    await watcher.goto(`/jobs/${job.jobId}`);
    // Volunteers of earlier tests stop counting 30 s after their last request: then only ours is left.
    await expect(watcher.getByTestId('job-waiting')).toHaveText(
      /Needs 2 different volunteers per shard; 1 is donating now\. 4 shards have a result and wait for another volunteer/,
      { timeout: 60_000 },
    );
    await expect(watcher.getByTestId('activity-volunteers')).toHaveText('1');
    await expect(watcher.getByTestId('activity-quorum')).toHaveText('2');
    await expect(watcher.getByTestId('job-eta')).toHaveText('Waiting (see below)');

    // The second browser is a different volunteer: "Donate from this browser" completes the quorum.
    await watcher.getByRole('button', { name: 'Donate from this browser' }).click();
    await waitForJob(request, job.jobId, 90_000);
    await expect(watcher.getByTestId('job-status')).toHaveText(/completed/i, { timeout: 15_000 });
    await expect(watcher.getByTestId('job-waiting')).toHaveCount(0);
    await expect(watcher.getByTestId('job-elapsed')).toHaveText(/^Took /);
  } finally {
    await cancelJob(request, submitter, job.jobId);
    await first.close();
    await second.close();
  }
});
