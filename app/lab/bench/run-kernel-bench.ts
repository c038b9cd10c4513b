import { f32ToLe } from '@/lib/kernels/f32-le';
import { hashsearch } from '@/lib/kernels/hashsearch/hashsearch';
import { hashsearchShard } from '@/lib/kernels/hashsearch/hashsearch-ringers';
import { matmul } from '@/lib/kernels/matmul/matmul';
import { createPrng } from '@/lib/kernels/prng';
import type { RunRequest } from '@/workers/compute-api';
import { createComputeWorker } from '@/workers/create-compute-worker';
import type { KernelBenchOptions, KernelBenchReport, Timing } from '@/workers/kernel-bench-report';

function summarize(times: number[], gpu: (number | null)[] = []): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const gpuTimes = gpu.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    gpuMedianMs: gpuTimes.length > 0 ? gpuTimes[Math.floor(gpuTimes.length / 2)]! : null,
  };
}

function randomF32(count: number, seed: number): Float32Array {
  const next = createPrng([seed, 7, 11, 13]);
  return Float32Array.from({ length: count }, () => next() / 2 ** 31 - 1);
}

/** Lets the page paint and the event loop breathe between heavy runs. */
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Measures, in one page on one adapter: our matmul through the worker vs tfjs-backend-webgpu vs
 * plain JS, and our hashsearch vs the JS SHA-256 loop. Every GPU figure is end to end (upload,
 * dispatch, read-back) after a warm-up run that compiles the pipelines; medians of `runs`.
 * Each GPU result is checked against the CPU reference once, so a fast wrong kernel cannot win.
 */
export async function runKernelBench(
  options: KernelBenchOptions,
  log: (line: string) => void = () => {},
): Promise<KernelBenchReport> {
  const [tf] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-backend-webgpu'),
  ]);
  await tf.setBackend('webgpu');
  await tf.ready();
  const worker = createComputeWorker();
  try {
    const adapter = await worker.api.init();
    log(
      `adapter: ${adapter.vendor} ${adapter.architecture} (${adapter.mode}), tfjs backend ${tf.getBackend()}`,
    );
    const report: KernelBenchReport = {
      adapter,
      tfjsBackend: tf.getBackend(),
      userAgent: navigator.userAgent,
      matmul: [],
      hashsearch: undefined as unknown as KernelBenchReport['hashsearch'],
    };

    for (const n of options.sizes) {
      const a = randomF32(n * n, n);
      const b = randomF32(n * n, n + 1);
      const request: RunRequest = {
        kernel: 'matmul',
        params: { m: n, n, k: n, row0: 0, rows: n, col0: 0, cols: n },
        inputs: { a: f32ToLe(a), b: f32ToLe(b) },
      };

      // Ours: the worker call as the volunteer loop makes it (inputs cloned in, result transferred out).
      const first = await worker.api.run(request);
      const shard = { params: matmul.shardParamsSchema.parse(request.params), inputs: request.inputs };
      const check = await matmul.verify.check(shard, first.result);
      if (check.status !== 'valid')
        throw new Error(`our ${n}×${n} result failed Freivalds: ${JSON.stringify(check)}`);
      const ourTimes: number[] = [];
      const ourGpu: (number | null)[] = [];
      for (let i = 0; i < options.runs; i++) {
        await yieldToPage();
        const started = performance.now();
        const out = await worker.api.run(request);
        ourTimes.push(performance.now() - started);
        ourGpu.push(out.gpuMs);
      }
      const ours = { ...summarize(ourTimes, ourGpu), shaderKey: first.shaderKey ?? 'cpu' };
      log(`matmul ${n}: ours ${ours.medianMs.toFixed(1)} ms`);

      // tfjs-backend-webgpu: the same data, uploaded, multiplied and read back each run.
      const tfOnce = async () => {
        const ta = tf.tensor2d(a, [n, n]);
        const tb = tf.tensor2d(b, [n, n]);
        const tc = tf.matMul(ta, tb);
        const data = await tc.data();
        tf.dispose([ta, tb, tc]);
        return data as Float32Array;
      };
      const tfResult = await tfOnce();
      if ((await matmul.verify.check(shard, f32ToLe(tfResult))).status !== 'valid')
        throw new Error('tfjs result failed Freivalds');
      const tfTimes: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        await yieldToPage();
        const started = performance.now();
        await tfOnce();
        tfTimes.push(performance.now() - started);
      }
      // Kernel-only time, as tfjs measures it (timestamp queries when the adapter has them).
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      const tfGpu: number[] = [];
      for (let i = 0; i < Math.min(3, options.runs); i++) {
        const info = await tf.time(() => tf.matMul(ta, tb));
        tfGpu.push(typeof info.kernelMs === 'number' ? info.kernelMs : Number.NaN);
      }
      tf.dispose([ta, tb]);
      const tfjs = summarize(tfTimes, tfGpu.filter(Number.isFinite));
      log(`matmul ${n}: tfjs ${tfjs.medianMs.toFixed(1)} ms`);

      let js: Timing | null = null;
      if (n <= options.jsMaxSize) {
        const jsTimes: number[] = [];
        for (let i = 0; i < options.runs; i++) {
          await yieldToPage();
          const started = performance.now();
          matmul.reference(shard);
          jsTimes.push(performance.now() - started);
        }
        js = summarize(jsTimes);
        log(`matmul ${n}: js ${js.medianMs.toFixed(1)} ms`);
      }
      report.matmul.push({ n, ours, tfjs, js });
    }

    // Hashsearch: a high difficulty so the hit list stays tiny and hashing is all that is measured.
    const { params } = hashsearchShard({
      prefix: '5370617265204379636c6573',
      difficulty: 30,
      nonceStart: '0',
      nonceCount: options.nonces,
    });
    const hsRequest: RunRequest = { kernel: 'hashsearch', params, inputs: {} };
    const reference = hashsearch.reference({ params, inputs: {} });
    const firstHs = await worker.api.run(hsRequest);
    if (!hashsearch.verify.compare({ params, inputs: {} }, firstHs.result, reference)) {
      throw new Error('our hashsearch result differs from the reference');
    }
    const hsTimes: number[] = [];
    const hsGpu: (number | null)[] = [];
    const jsHsTimes: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      await yieldToPage();
      let started = performance.now();
      const out = await worker.api.run(hsRequest);
      hsTimes.push(performance.now() - started);
      hsGpu.push(out.gpuMs);
      await yieldToPage();
      started = performance.now();
      hashsearch.reference({ params, inputs: {} });
      jsHsTimes.push(performance.now() - started);
    }
    report.hashsearch = { nonces: options.nonces, ours: summarize(hsTimes, hsGpu), js: summarize(jsHsTimes) };
    log('hashsearch done');
    return report;
  } finally {
    worker.terminate();
  }
}
