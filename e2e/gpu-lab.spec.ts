import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

// The /lab page: nothing touches WebGPU before "Run self-test"; after it, every check passes.

test('no worker and no WebGPU call before the click; the self-test then passes every check', async ({
  page,
}) => {
  await page.addInitScript(() => {
    // Count main-thread WebGPU use; workers are counted through Playwright's 'worker' event.
    const calls = { requestAdapter: 0 };
    (window as unknown as { __gpuCalls: typeof calls }).__gpuCalls = calls;
    const gpu = navigator.gpu;
    if (gpu) {
      const original = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (options) => {
        calls.requestAdapter++;
        return original(options);
      };
    }
  });
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));

  await page.goto('/lab');
  await expect(page.getByRole('heading', { level: 1, name: 'Lab: test your GPU' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500);
  expect(workers).toEqual([]);
  expect(
    await page.evaluate(() => (window as unknown as { __gpuCalls: { requestAdapter: number } }).__gpuCalls),
  ).toEqual({
    requestAdapter: 0,
  });
  expect(await page.evaluate(() => window.__sparecyclesLab)).toBeUndefined();

  await page.getByRole('button', { name: 'Run self-test' }).click();
  await expect(page.getByRole('status')).toHaveText(/^All 4 checks passed\./, { timeout: 90_000 });
  expect(workers).toHaveLength(1);
  const adapter = page.getByTestId('adapter');
  await expect(adapter).toContainText('WebGPU');
  await expect(adapter).toContainText('swiftshader');
  const table = page.getByRole('table', { name: /Self-test results/ });
  await expect(table.getByText('Pass', { exact: true })).toHaveCount(4);
  await expect(table.getByText('Fail', { exact: true })).toHaveCount(0);
  await expect(table.getByText('Error', { exact: true })).toHaveCount(0);
  await expect(table).toContainText('matmul/register/8x8');
  await expect(table).toContainText('SHA-256 known answers (FIPS 180-4)');

  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
});
