'use client';

import { useEffect, useState } from 'react';
import type { KernelBenchOptions, KernelBenchReport } from '@/workers/kernel-bench-report';
import { runKernelBench } from './run-kernel-bench';

/** Defaults for the button; the headless script passes its own. */
const DEFAULT_OPTIONS: KernelBenchOptions = { sizes: [256, 512], runs: 3, nonces: 2 ** 18, jsMaxSize: 512 };

declare global {
  interface Window {
    /**
     * Test hook for `npm run bench:kernels`, installed only with `?hooks=1`:
     * `await window.__sparecyclesBench.run(options)` returns the report.
     */
    __sparecyclesBench?: { run(options: KernelBenchOptions): Promise<KernelBenchReport> };
  }
}

const gflops = (n: number, ms: number) => ((2 * n ** 3) / ms / 1e6).toFixed(2);

/** The benchmark button and its results. */
export function BenchPanel() {
  const [running, setRunning] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [report, setReport] = useState<KernelBenchReport | null>(null);

  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('hooks') === '1') {
      window.__sparecyclesBench = {
        run: (options) => runKernelBench(options, (line) => console.log(`[bench] ${line}`)),
      };
    }
  }, []);

  async function start() {
    setRunning(true);
    setLines([]);
    setReport(null);
    try {
      setReport(await runKernelBench(DEFAULT_OPTIONS, (line) => setLines((old) => [...old, line])));
    } catch (error) {
      setLines((old) => [...old, `failed: ${(error as Error).message}`]);
    }
    setRunning(false);
  }

  return (
    <section aria-label="Benchmark" className="flex flex-col gap-4">
      <div>
        <button
          type="button"
          onClick={start}
          disabled={running}
          className="rounded-lg bg-emerald-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:cursor-wait disabled:opacity-60"
        >
          {running ? 'Running…' : 'Run benchmark'}
        </button>
      </div>
      <ul aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
          <li key={i}>{line}</li>
        ))}
      </ul>
      {report && (
        <table className="w-full text-left text-sm">
          <caption className="text-left font-semibold">Matrix product, GFLOPS (end to end, median)</caption>
          <thead>
            <tr>
              <th scope="col">n</th>
              <th scope="col">ours</th>
              <th scope="col">tfjs-webgpu</th>
              <th scope="col">plain JS</th>
            </tr>
          </thead>
          <tbody>
            {report.matmul.map((row) => (
              <tr key={row.n}>
                <th scope="row">{row.n}</th>
                <td>{gflops(row.n, row.ours.medianMs)}</td>
                <td>{gflops(row.n, row.tfjs.medianMs)}</td>
                <td>{row.js ? gflops(row.n, row.js.medianMs) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
