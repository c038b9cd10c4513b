import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { parseNpy, writeNpy } from '../lib/kernels/npy';
import { matrix } from './volunteer-fixtures';

/*
 * The submitter's pages against the real server (Next production build, PGlite, anvil) in real
 * Chromium with WebGPU (SwiftShader without a GPU).
 */

const npyFile = (name: string, rows: number, cols: number, seed: number) => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(writeNpy(rows, cols, matrix(rows, cols, seed))),
});

async function openForm(page: Page) {
  await page.goto('/jobs/new');
  await page.getByRole('radio', { name: /matmul/ }).check();
  // Hydrated once the generated fields react to input.
  await expect(page.locator('#param-m')).toBeEditable();
}

/** Cancels a job with the identity this page's browser submitted it with. */
async function cancelOwnJob(page: Page, jobId: string) {
  const identity = JSON.parse(
    (await page.evaluate(() => localStorage.getItem('spare-cycles.volunteer'))) ?? '{}',
  );
  await page.request.delete(`/api/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${identity.token}` },
  });
}

async function jobCount(page: Page): Promise<number> {
  const response = await page.request.get('/api/v1/jobs?limit=200');
  return (await response.json()).jobs.length;
}

test('the form shows the server’s error under the field it names, focuses and announces it', async ({
  page,
}) => {
  const before = await jobCount(page);
  await openForm(page);
  // The uploads fill m, n and k from their shapes; m is then changed by hand.
  await page.locator('#input-a').setInputFiles(npyFile('a.npy', 3, 2, 1));
  await page.locator('#input-b').setInputFiles(npyFile('b.npy', 2, 3, 2));
  await expect(page.locator('#input-a-help')).toHaveText('a.npy: 3×2 float32 .npy · 152 B');
  await expect(page.locator('#param-m')).toHaveValue('3');
  // A is 3×2 but m×k is 4×2: the server names inputs.a.
  await page.locator('#param-m').fill('4');
  await page.getByRole('button', { name: 'Submit job' }).click();

  const aError = page.locator('#input-a-error');
  await expect(aError).toHaveText(/A must be m×k = 4×2 from params, but the file is 3×2/);
  await expect(page.locator('#input-a')).toBeFocused();
  await expect(page.locator('#input-a')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#input-a')).toHaveAttribute('aria-describedby', /input-a-error/);
  const live = page.locator('[role="status"][aria-live="assertive"]');
  await expect(live).toContainText('A must be m×k = 4×2');
  // The message sits right under the A upload, not somewhere else on the page.
  const inputBox = (await page.locator('#input-a').boundingBox())!;
  const errorBox = (await aError.boundingBox())!;
  expect(errorBox.y).toBeGreaterThan(inputBox.y);
  // Only the upload's help line sits between them; it may wrap to two lines while the page's font
  // is still loading (84 px was seen once under load), so allow that, not a field's height more.
  expect(errorBox.y - (inputBox.y + inputBox.height)).toBeLessThan(100);
  expect(Math.abs(errorBox.x - inputBox.x)).toBeLessThan(5);

  // m = 0: the params error lands under m, and the earlier error is gone.
  await page.locator('#param-m').fill('0');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await expect(page.locator('#param-m-error')).toHaveText(/must be at least 1/);
  await expect(page.locator('#param-m')).toBeFocused();
  await expect(page.locator('#param-m')).toHaveAttribute('aria-invalid', 'true');
  await expect(aError).toHaveCount(0);
  await expect(live).toContainText('must be at least 1');

  // Replication max below min: under max.
  await page.locator('#param-m').fill('4');
  await page.locator('#input-a').setInputFiles(npyFile('a.npy', 4, 2, 1));
  await page.locator('#replication-min').fill('3');
  await page.locator('#replication-max').fill('2');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await expect(page.locator('#replication-max-error')).toHaveText(/max must be at least min/);
  await expect(page.locator('#replication-max')).toBeFocused();

  // A missing input: under its upload.
  await page.locator('#replication-min').fill('1');
  await page.locator('#replication-max').fill('3');
  await page.locator('#input-b').setInputFiles([]);
  await page.getByRole('button', { name: 'Submit job' }).click();
  // (caught in the browser, before anything is sent)
  await expect(page.locator('#input-b-error')).toHaveText(/choose a \.npy file for b/);

  expect(page.url()).toMatch(/\/jobs\/new$/);
  expect(await jobCount(page)).toBe(before);
});

test('a matmul job uploaded through the form is completed by a volunteer on the donate page; the download equals A·B', async ({
  browser,
  page,
}) => {
  test.setTimeout(240_000);
  const [m, n, k] = [48, 40, 24];
  const a = matrix(m, k, 11);
  const b = matrix(k, n, 12);
  const expected = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let l = 0; l < k; l++)
      for (let j = 0; j < n; j++) expected[i * n + j]! += a[i * k + l]! * b[l * n + j]!;

  await openForm(page);
  await page.locator('#title').fill('Form upload product');
  await page.locator('#param-m').fill(String(m));
  await page.locator('#param-n').fill(String(n));
  await page.locator('#param-k').fill(String(k));
  await page.locator('#param-tileRows').fill('16');
  await page.locator('#param-tileCols').fill('16');
  await page.locator('#input-a').setInputFiles({
    name: 'a.npy',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(writeNpy(m, k, a)),
  });
  await page.locator('#input-b').setInputFiles({
    name: 'b.npy',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(writeNpy(k, n, b)),
  });
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  const jobId = page.url().split('/').at(-1)!;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Form upload product');
  await expect(page.getByTestId('job-status')).toHaveText('queued');
  await expect(page.getByTestId('progress-text')).toHaveText('0 of 9 shards verified (0 %)');
  // The submitting browser holds the identity that owns the job: it is offered Cancel.
  await expect(page.getByRole('button', { name: 'Cancel job' })).toBeVisible();

  // A volunteer in another browser context (its own storage, its own identity) presses Donate on
  // the real donate page; its compute worker runs the shards with WebGPU.
  const volunteerContext = await browser.newContext();
  try {
    const volunteer = await volunteerContext.newPage();
    await volunteer.goto('/');
    await volunteer.getByRole('button', { name: 'Donate' }).click();
    await expect(volunteer.getByRole('button', { name: 'Stop' })).toBeVisible();

    // The job page follows over Server-Sent Events, without reloading.
    await expect(page.getByTestId('job-status')).toHaveText('completed', { timeout: 180_000 });
    await expect(page.getByTestId('progress-text')).toHaveText('9 of 9 shards verified (100 %)');
    await expect(page.getByRole('progressbar', { name: /Progress of Form upload product/ })).toHaveAttribute(
      'aria-valuenow',
      '9',
    );
    await volunteer.getByRole('button', { name: 'Stop' }).click();
  } finally {
    await volunteerContext.close();
    // Never leave a half-done job behind for later tests' volunteers (the owner is this browser).
    const job = await (await page.request.get(`/api/v1/jobs/${jobId}`)).json();
    if (job.status !== 'completed') await cancelOwnJob(page, jobId);
  }
  await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);

  // The preview: shape and statistics parsed from the .npy, equal to those of the reference.
  const summary = page.getByTestId('matrix-summary');
  await expect(summary).toContainText(`Matrix ${m}×${n} float32`);
  let frobenius = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of expected) {
    frobenius += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  frobenius = Math.sqrt(frobenius);
  const shown = async (key: string) => Number(await summary.getByTestId(`stat-${key}`).textContent());
  expect(await shown('frobenius')).toBeCloseTo(frobenius, 2);
  expect(await shown('min')).toBeCloseTo(min, 3);
  expect(await shown('max')).toBeCloseTo(max, 3);

  // The download is the documented format (C as .npy) and equals the reference product.
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('link', { name: /Download c\.npy/ }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('c.npy');
  const c = parseNpy(new Uint8Array(readFileSync((await download.path())!)), 'c.npy');
  expect(c.shape).toEqual([m, n]);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(c.data[i]! - expected[i]!));
  // |a|, |b| < 2: each of the k terms is < 4, so f32 rounding stays far below this bound.
  expect(worst).toBeLessThan(k * 4 * 2 ** -20);

  // The list shows it too.
  await page.goto('/jobs');
  const row = page.getByRole('row', { name: /Form upload product/ });
  await expect(row).toContainText('completed');
  await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '9');
  expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
});

test('demo matrices make a valid job; its owner can cancel it, another browser cannot', async ({
  browser,
  page,
}) => {
  await openForm(page);
  await page.locator('#param-m').fill('20');
  await page.locator('#param-n').fill('10');
  await page.locator('#param-k').fill('5');
  await page.getByRole('button', { name: 'Use demo matrices' }).click();
  await expect(page.locator('#input-a-help')).toContainText('Demo matrix: 20×5 float32 .npy');
  await expect(page.locator('#input-b-help')).toContainText('Demo matrix: 5×10 float32 .npy');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  const url = page.url();

  // Another browser (no identity of its own): no Cancel button is offered.
  const other = await browser.newContext();
  try {
    const stranger = await other.newPage();
    await stranger.goto(url);
    await expect(stranger.getByTestId('job-status')).toHaveText('queued');
    await expect(stranger.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
    // A browser with an identity that is not the owner's is offered Cancel, and told no by the server.
    const register = await stranger.request.post('/api/v1/volunteers', { data: {} });
    const identity = await register.json();
    await stranger.evaluate(
      (value) => localStorage.setItem('spare-cycles.volunteer', value),
      JSON.stringify(identity),
    );
    await stranger.reload();
    await stranger.getByRole('button', { name: 'Cancel job' }).click();
    await stranger.getByRole('button', { name: 'Yes, cancel the job' }).click();
    await expect(stranger.getByText('Only the browser that submitted this job can cancel it.')).toBeVisible();
    await expect(stranger.getByTestId('job-status')).toHaveText('queued');
  } finally {
    await other.close();
  }

  await page.getByRole('button', { name: 'Cancel job' }).click();
  await expect(page.getByRole('button', { name: 'Yes, cancel the job' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, cancel the job' }).click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled');
  await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
  const job = await (await page.request.get(`/api/v1/jobs/${url.split('/').at(-1)}`)).json();
  expect(job.status).toBe('cancelled');
});

test('a private job shows its title and parameters to its submitter’s browser only', async ({
  browser,
  page,
}) => {
  await page.goto('/jobs');
  const identity = await (await page.request.post('/api/v1/volunteers', { data: {} })).json();
  await page.evaluate(
    (value) => localStorage.setItem('spare-cycles.volunteer', value),
    JSON.stringify(identity),
  );
  const created = await page.request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${identity.token}` },
    data: {
      kernel: 'mandelbrot',
      params: { width: 48, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 77, tileSize: 16 },
      title: 'private parameters',
      visibility: 'private',
    },
  });
  expect(created.status()).toBe(201);
  const { jobId } = await created.json();
  try {
    await page.goto(`/jobs/${jobId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('private parameters');
    const mine = page.getByRole('region', { name: 'Parameters' });
    await expect(mine.getByText('maxIter')).toBeVisible();
    await expect(mine.getByText('77', { exact: true })).toBeVisible();
    await expect(mine.getByText(/This job is private/)).toHaveCount(0);

    const other = await browser.newContext();
    try {
      const stranger = await other.newPage();
      await stranger.goto(`/jobs/${jobId}`);
      // Nor its title: that is the submitter's own words about the data.
      await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('mandelbrot job');
      const theirs = stranger.getByRole('region', { name: 'Parameters' });
      await expect(theirs.getByText(/This job is private/)).toBeVisible();
      await expect(theirs.getByText('maxIter')).toHaveCount(0);
    } finally {
      await other.close();
    }
  } finally {
    await page.request.delete(`/api/v1/jobs/${jobId}`, {
      headers: { authorization: `Bearer ${identity.token}` },
    });
  }
});

test('an unknown job id shows the not-found page', async ({ page }) => {
  const missing = await page.goto('/jobs/00000000-0000-4000-8000-000000000000');
  expect(missing?.status()).toBe(404);
  const malformed = await page.goto('/jobs/not-a-uuid');
  expect(malformed?.status()).toBe(404);
});

test('the WGSL dry run shows the browser compiler’s error with its line:column', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/jobs/new');
  await page.getByRole('radio', { name: /^wgsl/ }).check();
  const editor = page.locator('#param-code');
  // A new wgsl job starts from the kernel's documented ABI example.
  await expect(editor).toHaveValue(/@compute @workgroup_size\(64\)/);

  await editor.fill(
    [
      '@group(0) @binding(0) var<storage, read> input: array<u32>;',
      '@group(0) @binding(1) var<storage, read_write> output: array<u32>;',
      '@compute @workgroup_size(64)',
      'fn main(@builtin(global_invocation_id) id: vec3<u32>) {',
      '  output[id.x] = input[id.x] + undefined_name;',
      '}',
    ].join('\n'),
  );
  await page.getByRole('button', { name: 'Dry run in this browser' }).click();
  const result = page.getByTestId('dry-run-result');
  await expect(result).toContainText('Compile error', { timeout: 30_000 });
  // The browser's own compiler (Tint) names the undeclared identifier, at its line and column.
  await expect(result).toContainText(/line 5:\d+ error: .*undefined_name/);
  await expect(result).toHaveClass(/border-red/);
});

test('the WGSL dry run runs a good shader’s first shard on the GPU in the compute worker', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/jobs/new');
  await page.getByRole('radio', { name: /^wgsl/ }).check();
  const editor = page.locator('#param-code');
  await expect(editor).toHaveValue(/@compute/);
  const result = page.getByTestId('dry-run-result');
  // The example shader: output word i = 2 × input word i + shardIndex. With input [1, 2, 3, 4] the
  // first (only) shard must produce [2, 4, 6, 8], computed by the compute worker on WebGPU.
  await editor.fill(
    [
      'struct ShardInfo { shardIndex: u32, shardCount: u32, inputBytes: u32, outputBytes: u32 }',
      '@group(0) @binding(0) var<storage, read> input: array<u32>;',
      '@group(0) @binding(1) var<storage, read_write> output: array<u32>;',
      '@group(0) @binding(2) var<uniform> info: ShardInfo;',
      '@compute @workgroup_size(64)',
      'fn main(@builtin(global_invocation_id) id: vec3<u32>) {',
      '  let i = id.x;',
      '  if (i >= info.outputBytes / 4u) { return; }',
      '  var value = 0u;',
      '  if (i < (info.inputBytes + 3u) / 4u) { value = input[i]; }',
      '  output[i] = 2u * value + info.shardIndex;',
      '}',
    ].join('\n'),
  );
  await page.locator('#param-workgroups').fill('1, 1, 1');
  await page.locator('#param-outputBytes').fill('16');
  await page.locator('#input-input').setInputFiles({
    name: 'words.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(new Uint32Array([1, 2, 3, 4]).buffer),
  });
  await page.getByRole('button', { name: 'Dry run in this browser' }).click();
  await expect(result).toContainText('Compiled without errors', { timeout: 60_000 });
  await expect(result).toContainText(/Ran shard|Run failed/, { timeout: 60_000 });
  await expect(result).toContainText(/Ran shard 1 of 1 \(WebGPU\)/, { timeout: 1000 });
  await expect(result).toContainText('16 bytes out');
  await expect(result).toContainText('as u32 [2, 4, 6, 8]');
});
