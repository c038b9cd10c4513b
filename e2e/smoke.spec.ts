import { expect, test } from '@playwright/test';

test('the donate page renders', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Spare Cycles' })).toBeVisible();
});

test('WebGPU is available in the page (a real adapter, SwiftShader without a GPU)', async ({ page }) => {
  await page.goto('/');
  const adapter = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return { error: 'navigator.gpu is missing' };
    const found = await navigator.gpu.requestAdapter();
    if (!found) return { error: 'requestAdapter() returned null' };
    const device = await found.requestDevice();
    const info = found.info;
    const result = {
      vendor: info.vendor,
      architecture: info.architecture,
      maxWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
    };
    device.destroy();
    return result;
  });
  expect(adapter).not.toHaveProperty('error');
  expect(adapter).toHaveProperty('vendor');
  expect((adapter as { maxWorkgroup: number }).maxWorkgroup).toBeGreaterThanOrEqual(64);
});
