import { chromium, type Page } from 'playwright-core';
import { f32FromLe, f32ToLe } from '../lib/kernels/f32-le';
import { buildExampleModel, exampleInputNpy } from '../lib/kernels/onnx/example-model';
import { onnx } from '../lib/kernels/onnx/onnx';
import { runOnnxNode } from '../lib/kernels/onnx/onnx-node-runner';
import { defaultOnnxRowsPerShard } from '../lib/kernels/onnx/onnx-params';
import { onnxSampleSize } from '../lib/kernels/onnx/onnx-sampling';
import { chromiumArgs } from '../playwright.config';
import { startBenchServer } from './bench-server';

/**
 * `npm run bench:inference`: the `onnx` kernel's throughput through the platform's compute worker
 * (a Comlink call with the shard's inputs, session cache, onnxruntime-web, result transferred
 * back) against onnxruntime-web called directly on the same page with the same model, backend and
 * batch; cold and warm start; and the server's sampled verification against a full re-run.
 *
 * Against a running server (`--url http://127.0.0.1:3000`) or a production server it starts itself.
 * Options: --rows 2048 --gpu-rows 256 --runs 5 --features 128 --hidden 512 --backends webgpu,wasm (or none)
 * --json. WebGPU shards are smaller by default: SwiftShader (no GPU) runs ~60 rows/s of this model.
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(flag('rows') ?? 2048);
const gpuRows = Number(flag('gpu-rows') ?? 256);
const runs = Number(flag('runs') ?? 5);
const modelOptions = {
  features: Number(flag('features') ?? 128),
  hidden: Number(flag('hidden') ?? 512),
  classes: 10,
};
const backends = (flag('backends') ?? 'webgpu,wasm')
  .split(',')
  .filter((b): b is 'webgpu' | 'wasm' => b === 'webgpu' || b === 'wasm');

function startServer(): Promise<{ url: string; stop(): void }> {
  const given = flag('url');
  return given ? Promise.resolve({ url: given, stop() {} }) : startBenchServer('inference');
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

interface BackendFigures {
  backend: string;
  workerColdMs: number;
  workerWarmMs: number[];
  directCreateMs: number;
  directFirstMs: number;
  directWarmMs: number[];
  shaderKey: string;
}

async function benchBackend(
  page: Page,
  backend: 'webgpu' | 'wasm',
  shard: ReturnType<typeof onnx.split>[number],
) {
  const modelB64 = Buffer.from(shard.inputs.model!).toString('base64');
  const xB64 = Buffer.from(shard.inputs.x!).toString('base64');
  return page.evaluate(
    async ({ backend, modelB64, xB64, params, runs }) => {
      // No named function expressions in here: tsx would wrap them in a helper the page lacks.
      const lab = window.__sparecyclesLab!;
      const model = Uint8Array.from(atob(modelB64), (c) => c.charCodeAt(0));
      const x = Uint8Array.from(atob(xB64), (c) => c.charCodeAt(0));
      const api = lab.worker(`bench-${backend}`);
      await api.init({ forceCpu: backend === 'wasm' });
      let started = performance.now();
      const cold = await api.run(
        { kernel: 'onnx', params, inputs: { model: model.slice(), x: x.slice() } },
        { timeoutMs: 300_000 },
      );
      const workerColdMs = performance.now() - started;
      const workerWarmMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const req = { kernel: 'onnx', params, inputs: { model: model.slice(), x: x.slice() } };
        started = performance.now();
        await api.run(req, { timeoutMs: 300_000 });
        workerWarmMs.push(performance.now() - started);
      }
      lab.terminate(`bench-${backend}`);
      const feed = params.feeds[0]!;
      const direct = await lab.onnxDirect({
        model,
        feeds: [{ name: feed.name, dims: feed.dims, data: new Float32Array(x.slice().buffer) }],
        rows: params.rows,
        output: params.output.name,
        backend,
        runs,
      });
      return {
        backend,
        workerColdMs,
        workerWarmMs,
        directCreateMs: direct.createMs,
        directFirstMs: direct.firstMs,
        directWarmMs: direct.runMs,
        shaderKey: cold.shaderKey ?? '',
      } satisfies BackendFigures;
    },
    { backend, modelB64, xB64, params: shard.params, runs },
  );
}

/**
 * Server-side cost of verifying one honest shard (`verify.check`: sample, re-run, compare) against
 * re-running the whole shard on the same runtime and thread count. Interleaved, median of
 * `2 · runs`, on shards of `n` rows.
 */
async function benchVerification(model: Uint8Array, n: number) {
  const shard = shardOf(model, n);
  const feed = shard.params.feeds[0]!;
  const data = f32FromLe(shard.inputs.x!);
  const full = async () =>
    runOnnxNode(model, [{ name: feed.name, dims: feed.dims, data }], 'probs', n, shard.params.modelSha256);
  const honest = f32ToLe(await full()); // also warms the session
  const fullMs: number[] = [];
  const checkMs: number[] = [];
  for (let i = 0; i < 2 * runs; i++) {
    let started = performance.now();
    await full();
    fullMs.push(performance.now() - started);
    started = performance.now();
    const verdict = await onnx.verify.check(shard, honest);
    checkMs.push(performance.now() - started);
    if (verdict.status !== 'valid')
      throw new Error(`honest rows failed the check: ${JSON.stringify(verdict)}`);
  }
  return {
    rows: n,
    fullMs: median(fullMs),
    checkMs: median(checkMs),
    bestRatio: Math.min(...checkMs) / Math.min(...fullMs),
    sample: onnxSampleSize(n),
  };
}

function shardOf(model: Uint8Array, n: number) {
  return onnx.split({
    params: { rowsPerShard: n },
    inputs: { model, x: exampleInputNpy(n, modelOptions) },
  })[0]!;
}

async function main() {
  const model = buildExampleModel(modelOptions);
  const shard = shardOf(model, rows);
  const gpuShard = shardOf(model, gpuRows);
  const gflopPerShard = (shard.params.flopsPerRow * rows) / 1e9;
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/lab?hooks=1`);
    await page.waitForFunction(() => window.__sparecyclesLab !== undefined);
    const figures: BackendFigures[] = [];
    for (const backend of backends) {
      figures.push(await benchBackend(page, backend, backend === 'webgpu' ? gpuShard : shard));
    }
    const verification = [];
    // The default shard size for this model (what a submitter gets without `rowsPerShard`) is
    // measured beside the benchmark's own shard size and four times it.
    const defaultRows = defaultOnnxRowsPerShard(shard.params.flopsPerRow);
    for (const n of [...new Set([rows, defaultRows, 4 * rows])].sort((a, b) => a - b))
      verification.push(await benchVerification(model, n));
    if (args.includes('--json')) {
      console.log(
        JSON.stringify(
          { rows, runs, modelOptions, modelBytes: model.length, figures, verification },
          null,
          2,
        ),
      );
      return;
    }
    console.log(
      `\nmodel: example classifier ${modelOptions.features}→${modelOptions.hidden}→${modelOptions.hidden}→${modelOptions.classes} (${(model.length / 2 ** 20).toFixed(2)} MiB), shard ${rows} rows (${gflopPerShard.toFixed(2)} GFLOP; WebGPU ${gpuRows} rows), median of ${runs} warm runs\n`,
    );
    console.log(
      '| backend | rows per run | worker rows/s | direct rows/s | worker / direct | worker cold (ms) | direct cold: create + first run (ms) | worker warm (ms) |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const f of figures) {
      const n = f.backend === 'webgpu' ? gpuRows : rows;
      const worker = n / (median(f.workerWarmMs) / 1000);
      const direct = n / (median(f.directWarmMs) / 1000);
      console.log(
        `| ${f.shaderKey} | ${n} | ${worker.toFixed(0)} | ${direct.toFixed(0)} | ${(worker / direct).toFixed(2)} (best of ${runs}: ${(Math.min(...f.directWarmMs) / Math.min(...f.workerWarmMs)).toFixed(2)}) | ${f.workerColdMs.toFixed(0)} | ${(f.directCreateMs + f.directFirstMs).toFixed(0)} | ${median(f.workerWarmMs).toFixed(0)} |`,
      );
    }
    console.log('\nverification (onnxruntime-node, 1 thread) of an honest shard vs re-running all of it:\n');
    console.log(
      '| shard rows | sampled rows | check (ms) | full re-run (ms) | verification / useful compute (medians; best of runs) |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    for (const { rows: n, fullMs, checkMs, bestRatio, sample } of verification) {
      console.log(
        `| ${n}${n === defaultOnnxRowsPerShard(shard.params.flopsPerRow) ? ' (default)' : ''} | ${sample} (${((100 * sample) / n).toFixed(1)} %) | ${checkMs.toFixed(1)} | ${fullMs.toFixed(1)} | ${(checkMs / fullMs).toFixed(3)}; ${bestRatio.toFixed(3)} |`,
      );
    }
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
