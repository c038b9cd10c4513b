import type { Metadata } from 'next';
import { BenchPanel } from './bench-panel';

export const metadata: Metadata = { title: 'Lab: kernel benchmark — Spare Cycles' };

/**
 * `/lab/bench`: our WGSL kernels against tfjs-backend-webgpu and plain JavaScript on this
 * browser's adapter. tfjs is imported only when the benchmark starts, and only on this route.
 * `npm run bench:kernels` drives it headless through `window.__sparecyclesBench` (`?hooks=1`).
 */
export default function BenchPage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-3xl font-bold tracking-tight">Lab: kernel benchmark</h1>
        <p className="text-slate-600 dark:text-slate-400">
          Times our matrix-product and hash-search kernels against TensorFlow.js&apos;s WebGPU backend and
          plain JavaScript on this device. It keeps your GPU and CPU busy for a minute or more; nothing starts
          until you press the button.
        </p>
      </div>
      <BenchPanel />
    </main>
  );
}
