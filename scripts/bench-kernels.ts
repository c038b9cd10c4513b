import { chromium } from 'playwright-core';
import { chromiumArgs } from '../playwright.config';
import type { KernelBenchOptions, KernelBenchReport, Timing } from '../workers/kernel-bench-report';
import { startBenchServer } from './bench-server';

/**
 * `npm run bench:kernels`: our WGSL kernels against tfjs-backend-webgpu and plain JavaScript, in
 * one headless Chromium page on one adapter (SwiftShader without a GPU), via `/lab/bench?hooks=1`.
 *
 * Against a running server (`--url http://127.0.0.1:3000`) or a production server it starts itself
 * (`scripts/dev.ts --start --no-chain`, reusing the build in NEXT_DIST_DIR or building one).
 * Options: --sizes 256,512,1024 --runs 5 --nonces 1048576 --js-max 1024 --json.
 *
 * Matmul figures are end to end: for ours, the worker call the volunteer loop makes (inputs cloned
 * into the worker, upload, dispatch, read-back, result transferred back); for tfjs, tensors from
 * the same arrays, `matMul`, `data()`. Medians of `runs` after a warm-up that builds pipelines.
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const options: KernelBenchOptions = {
  sizes: (flag('sizes') ?? '256,512,1024').split(',').map(Number),
  runs: Number(flag('runs') ?? 5),
  nonces: Number(flag('nonces') ?? 2 ** 20),
  jsMaxSize: Number(flag('js-max') ?? 1024),
};

const startServer = () => startBenchServer('kernels');

const gflops = (n: number, t: Timing) => (2 * n ** 3) / t.medianMs / 1e6;
const fmt = (x: number, digits = 2) => x.toFixed(digits);

function print(report: KernelBenchReport): void {
  const { adapter } = report;
  console.log(
    `\nadapter: ${adapter.vendor} ${adapter.architecture} (fallback ${adapter.fallback}), ${report.userAgent}`,
  );
  console.log(`runs per figure: ${options.runs} (median), after a warm-up\n`);
  console.log(
    '| n | ours GFLOPS (ms) | tfjs-webgpu GFLOPS (ms) | plain JS GFLOPS (ms) | ours / tfjs | ours / JS | GPU pass: ours / tfjs (ms) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of report.matmul) {
    const ours = gflops(row.n, row.ours);
    const tfjs = gflops(row.n, row.tfjs);
    const js = row.js ? gflops(row.n, row.js) : null;
    console.log(
      `| ${row.n} | ${fmt(ours)} (${fmt(row.ours.medianMs, 1)}) | ${fmt(tfjs)} (${fmt(row.tfjs.medianMs, 1)}) | ${
        js === null || !row.js ? '—' : `${fmt(js)} (${fmt(row.js.medianMs, 1)})`
      } | ${fmt(ours / tfjs)}× | ${js === null ? '—' : `${fmt(ours / js)}×`} | ${
        row.ours.gpuMedianMs === null ? '—' : fmt(row.ours.gpuMedianMs, 1)
      } / ${row.tfjs.gpuMedianMs === null ? '—' : fmt(row.tfjs.gpuMedianMs, 1)} |`,
    );
  }
  const hs = report.hashsearch;
  const oursRate = hs.nonces / (hs.ours.medianMs / 1000);
  const jsRate = hs.nonces / (hs.js.medianMs / 1000);
  console.log(
    `\nhashsearch, ${hs.nonces} nonces: ours ${fmt(oursRate / 1e6, 3)} M hashes/s (${fmt(hs.ours.medianMs, 0)} ms, GPU pass ${
      hs.ours.gpuMedianMs === null ? '—' : fmt(hs.ours.gpuMedianMs, 0)
    } ms), JS ${fmt(jsRate / 1e6, 3)} M hashes/s (${fmt(hs.js.medianMs, 0)} ms): ${fmt(oursRate / jsRate)}×`,
  );
  const targets = report.matmul.map((row) => {
    const ours = gflops(row.n, row.ours);
    const tfjsOk = ours >= 1.2 * gflops(row.n, row.tfjs);
    const jsOk = row.js === null || ours >= 2 * gflops(row.n, row.js);
    return `${row.n}: ≥1.2× tfjs ${tfjsOk ? '✓' : '✗'}, ≥2× JS ${row.js === null ? 'n/a' : jsOk ? '✓' : '✗'}`;
  });
  console.log(`\ntargets: ${targets.join('; ')}`);
}

async function main(): Promise<void> {
  const given = flag('url');
  const server = given ? { url: given, stop() {} } : await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith('[bench]')) console.error(message.text());
    });
    await page.goto(`${server.url}/lab/bench?hooks=1`);
    await page.waitForFunction(() => window.__sparecyclesBench !== undefined, undefined, { timeout: 60_000 });
    const report = await page.evaluate((opts) => window.__sparecyclesBench!.run(opts), options);
    if (args.includes('--json')) console.log(JSON.stringify(report, null, 2));
    print(report);
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
