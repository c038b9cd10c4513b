import { expect, test } from '@playwright/test';
import {
  clientEvents,
  downloadResult,
  hashsearchExpected,
  openDonatePage,
  registerSubmitter,
  submitJob,
  waitForJob,
} from './volunteer-fixtures';

/*
 * End to end: two volunteers in two separate browser contexts (separate storage, so separate
 * identities), each running the real compute worker, complete one hashsearch job that needs two
 * agreeing replicas per shard. The coordinator never gives one volunteer two replicas of a shard,
 * so the job can only complete if both contribute.
 */

test('two browsers complete a replicated hashsearch job; the result equals the CPU reference', async ({
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  const params = { prefix: '5370617265', difficulty: 14, nonceStart: '1000', nonceCount: 3 * 2 ** 20 };
  const expected = hashsearchExpected(params);
  expect(expected.nonces.length).toBeGreaterThan(0);

  const submitter = await registerSubmitter(request);
  const job = await submitJob(request, submitter, {
    kernel: 'hashsearch',
    params,
    replication: { min: 2, max: 4 },
  });
  expect(job.shards).toBe(3);

  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    for (const page of pages) await openDonatePage(page);
    for (const page of pages) await page.getByRole('button', { name: 'Donate' }).click();

    const done = await waitForJob(request, job.jobId, 200_000);
    expect(done.progress.verified).toBe(3);
    const result = JSON.parse(new TextDecoder().decode(await downloadResult(request, job.jobId)));
    expect(result).toEqual(expected);

    // Both volunteers computed every shard (one replica each), under different identities.
    const ids = [];
    for (const page of pages) {
      const shards = (await clientEvents(page, 'shard')).map((e) => e.payload);
      expect(new Set(shards.filter((s) => s.jobId === job.jobId).map((s) => s.shardId)).size).toBe(3);
      ids.push(await page.evaluate(() => window.spareCycles!.client.volunteerId));
      await expect(page.getByTestId('stat-credit-verified')).not.toHaveText(/^(—|0 WU)$/, {
        timeout: 15_000,
      });
      await page.getByRole('button', { name: 'Stop' }).click();
    }
    expect(ids[0]).not.toBe(ids[1]);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
