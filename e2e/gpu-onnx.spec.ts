import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { f32FromLe } from '../lib/kernels/f32-le';
import type { ShardSpec } from '../lib/kernels/kernel';
import { parseNpyArray, writeNpyArray } from '../lib/kernels/npy';
import { buildExampleModel, exampleInputNpy } from '../lib/kernels/onnx/example-model';
import { onnx } from '../lib/kernels/onnx/onnx';
import { compareRow } from '../lib/kernels/onnx/onnx-compare';
import { runOnnxNode } from '../lib/kernels/onnx/onnx-node-runner';
import type { OnnxShardParams } from '../lib/kernels/onnx/onnx-params';
import { initWorker, openLab } from './gpu-lab-fixtures';
import { runOnGpu, wireShard } from './gpu2-fixtures';
import {
  downloadResult,
  openDonatePage,
  recordRequests,
  registerSubmitter,
  submitJob,
  waitForJob,
} from './volunteer-fixtures';

// The onnx kernel in the real compute worker: onnxruntime-web with the WebGPU execution provider
// (SwiftShader here) and with WebAssembly, each checked here in Node against onnxruntime-node and
// by the kernel's own verifier; then the donate page computing whole jobs, twice, downloading the
// model only on the first visit.

test.describe.configure({ mode: 'serial' });

const model = buildExampleModel();
const modelSha = createHash('sha256').update(model).digest('hex');

function exampleShard(rows: number, rowsPerShard: number): ShardSpec<OnnxShardParams> {
  return onnx.split({ params: { rowsPerShard }, inputs: { model, x: exampleInputNpy(rows) } }).at(-1)!;
}

/** The largest |Δ| of any row, in units of that row's scale (max |reference|). */
function worstScaledError(got: Float32Array, reference: Float32Array, rowLength: number): number {
  let worst = 0;
  for (let row = 0; row < reference.length / rowLength; row++) {
    const { maxError, bound } = compareRow(got, row, reference, row, rowLength, 1, 0);
    worst = Math.max(worst, maxError / bound);
  }
  return worst;
}

for (const [backend, worker, forceCpu] of [
  ['webgpu', 'onnx-gpu', false],
  ['wasm', 'onnx-cpu', true],
] as const) {
  test(`onnx on ${backend}: a 137-row shard of the example classifier matches onnxruntime-node within the tolerance`, async ({
    page,
  }) => {
    await openLab(page);
    const adapter = await initWorker(page, worker, forceCpu);
    if (!forceCpu) expect(adapter.mode, adapter.description).toBe('webgpu');
    // 300 rows in shards of 163: the last shard is rows 163…299 (137 rows, an awkward size).
    const shard = exampleShard(300, 163);
    expect(shard.params).toMatchObject({ row0: 163, rows: 137 });
    const first = await runOnGpu(page, worker, wireShard('onnx', shard), { timeoutMs: 60_000 });
    if (!first.ok) throw new Error(`${first.name}: ${first.message}`);
    expect(first.shaderKey).toBe(`onnx/${backend}`);
    const again = await runOnGpu(page, worker, wireShard('onnx', shard), { timeoutMs: 60_000 });
    if (!again.ok) throw new Error(`${again.name}: ${again.message}`);
    const result = Uint8Array.from(first.result);
    expect(Uint8Array.from(again.result)).toEqual(result); // same session, same bytes
    const got = f32FromLe(result);
    const reference = await runOnnxNode(
      model,
      [{ name: 'x', dims: [64], data: f32FromLe(shard.inputs.x!) }],
      'probs',
      shard.params.rows,
    );
    const worst = worstScaledError(got, reference, 10);
    test.info().annotations.push({
      type: 'calibration',
      description: `${backend}: worst |Δ| / row scale vs onnxruntime-node = ${worst.toExponential(2)}; cold ${first.ms.toFixed(0)} ms, warm ${again.ms.toFixed(0)} ms`,
    });
    console.log(`[onnx e2e] ${test.info().annotations.at(-1)!.description}`);
    expect(worst).toBeLessThan(shard.params.rtol);
    expect(await onnx.verify.check(shard, result)).toEqual({ status: 'valid' });
    // Keep the rows: lib/kernels/onnx/fixtures/chromium-rows.ts holds a copy the unit tests verify.
    const dir = path.join('test-results', 'onnx');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${backend}-rows-163-300.bin`), result);
  });
}

test('a volunteer computes onnx jobs on the donate page, and a returning volunteer does not download the model again', async ({
  page,
  request,
}) => {
  const submitter = await registerSubmitter(request);
  const log = recordRequests(page);
  const modelDownloads = () => log.requests.filter((r) => r.path.includes(modelSha)).length;

  async function donateFor(rows: number, rowsPerShard: number, offset: number) {
    const x = exampleInputNpy(rows + offset);
    const sliced = parseNpyArray(x, 'x');
    const mine = sliced.data.subarray(offset * 64);
    const job = await submitJob(request, submitter, {
      kernel: 'onnx',
      params: { rowsPerShard },
      inputs: { model, x: writeNpyArray([rows, 64], mine) },
    });
    expect(job.shards).toBe(Math.ceil(rows / rowsPerShard));
    await page.getByRole('button', { name: 'Donate' }).click();
    await waitForJob(request, job.jobId, 90_000);
    await page.getByRole('button', { name: 'Stop' }).click();
    const y = parseNpyArray(await downloadResult(request, job.jobId), 'y');
    expect(y.shape).toEqual([rows, 10]);
    const reference = await runOnnxNode(model, [{ name: 'x', dims: [64], data: mine }], 'probs', rows);
    expect(worstScaledError(y.data, reference, 10)).toBeLessThan(1e-3);
    // The classifier's argmax: row i is drawn near prototype (i + offset) mod 10.
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      const row = Array.from(y.data.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === (i + offset) % 10) correct++;
    }
    expect(correct / rows).toBeGreaterThan(0.9);
  }

  await openDonatePage(page);
  await donateFor(50, 20, 0);
  expect(modelDownloads()).toBe(1); // three shards share one model blob

  // A later visit: a fresh page (new worker, new in-memory cache), same browser profile.
  await page.reload();
  await openDonatePage(page);
  const before = modelDownloads();
  await donateFor(30, 16, 50);
  expect(modelDownloads() - before).toBe(0);
});

test('the form submits the example classifier; the job page previews the first rows with their argmax', async ({
  page,
  browser,
}) => {
  await page.goto('/jobs/new');
  await page.getByRole('radio', { name: /^onnx/ }).check();
  await page.getByRole('button', { name: 'Use the example classifier' }).click();
  await expect(page.getByText(/example classifier \.onnx/)).toBeVisible();
  await expect(page.getByText(/4096×64 float32 \.npy/)).toBeVisible();
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/, { timeout: 30_000 });

  const volunteer = await browser.newPage();
  await openDonatePage(volunteer);
  await volunteer.getByRole('button', { name: 'Donate' }).click();
  await expect(page.getByTestId('job-status')).toHaveText(/completed/i, { timeout: 150_000 });
  await volunteer.getByRole('button', { name: 'Stop' }).click();

  const table = page.getByTestId('result-rows');
  await expect(table).toBeVisible({ timeout: 30_000 });
  await expect(table).toContainText('class probabilities');
  // Row i of the example is drawn near prototype i mod 10.
  await expect(page.getByTestId('result-argmax')).toHaveText(['0', '1', '2', '3', '4', '5', '6', '7']);
});
