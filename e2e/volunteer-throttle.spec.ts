import { expect, test } from '@playwright/test';
import { measureDutyCycle } from '../browser/volunteer/throttle';
import {
  cancelJob,
  clientEvents,
  matmulCase,
  openDonatePage,
  registerSubmitter,
  submitJob,
} from './volunteer-fixtures';

/*
 * The throttle in the real page with the real worker (WebGPU through SwiftShader here): at 30 %
 * the GPU must compute 30 % ± 10 % of the time, measured from the client's own shard timestamps
 * (window.spareCycles.events) with the same definition the unit tests use.
 */

test('a 30 % throttle is honoured within ±10 %', async ({ page, request }) => {
  test.setTimeout(180_000);
  const submitter = await registerSubmitter(request);
  // 12×12 tiles of 64×64 over k = 1024: 144 shards of 8.4 MFLOP (10–30 ms each on SwiftShader),
  // far more than the test measures, so the volunteer never waits for work (waiting lowers the duty).
  const [m, n, k] = [768, 768, 1024];
  const { inputs } = matmulCase(m, n, k);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m, n, k, tileRows: 64, tileCols: 64 },
    inputs,
  });
  try {
    await openDonatePage(page);
    // Set 30 % with the keyboard, as a volunteer would: Home = 10 %, each arrow step +5 %.
    await page.getByRole('slider', { name: 'GPU use' }).focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('throttle-value')).toHaveText('30 %');

    await page.getByRole('button', { name: 'Donate' }).click();
    // The first shards include pipeline creation and small first batches; measure the 40 after them
    // (a few seconds: longer than the throttle's window).
    await expect
      .poll(async () => (await clientEvents(page, 'shard')).length, { timeout: 150_000, intervals: [1000] })
      .toBeGreaterThanOrEqual(43);
    await page.getByRole('button', { name: 'Stop' }).click();
    expect(await page.evaluate(() => window.spareCycles!.client.duty)).toBeCloseTo(0.3);
    const shards = (await clientEvents(page, 'shard')).map((e) => e.payload).slice(3, 43);
    // The measurement is about the throttle, not about a shortage of work.
    const waits = (await clientEvents(page, 'noWork')).filter((e) => e.at < shards.at(-1)!.startedAt);
    expect(waits).toHaveLength(0);
    const duty = measureDutyCycle(shards)!;
    const busy = shards.reduce((sum, s) => sum + s.ms, 0) / shards.length;
    test.info().annotations.push({
      type: 'duty cycle',
      description: `${(duty * 100).toFixed(1)} % over ${shards.length} shards of ${busy.toFixed(0)} ms on average`,
    });
    expect(duty).toBeGreaterThanOrEqual(0.27);
    expect(duty).toBeLessThanOrEqual(0.33);
  } finally {
    await cancelJob(request, submitter, job.jobId);
  }
});
