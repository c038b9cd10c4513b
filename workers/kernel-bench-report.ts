import type { AdapterSummary } from './compute-api';

/**
 * What the kernel benchmark page (`/lab/bench`) measures and hands back, shared by the page and by
 * `npm run bench:kernels`, which drives it in Chromium and prints the report.
 */

export interface KernelBenchOptions {
  /** Square matmul sizes n (n×n · n×n). */
  sizes: number[];
  /** Timed runs per measurement (after one untimed warm-up that creates pipelines). */
  runs: number;
  /** Nonces per hashsearch measurement. */
  nonces: number;
  /** Skip the plain-JS matmul above this n (it takes seconds per run). */
  jsMaxSize: number;
}

/** Median and spread of one measurement, in milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median GPU pass time from timestamp queries, where measured. */
  gpuMedianMs: number | null;
}

export interface KernelBenchReport {
  adapter: AdapterSummary;
  tfjsBackend: string;
  userAgent: string;
  matmul: {
    n: number;
    /** Our kernel through the compute worker: request posted → result back in the page. */
    ours: Timing & { shaderKey: string };
    /** tfjs-backend-webgpu: tensors uploaded, `matMul`, `data()` read back. */
    tfjs: Timing;
    /** The CPU reference (`matmul.reference`, i-k-j) on the page's thread; null when skipped. */
    js: Timing | null;
  }[];
  hashsearch: { nonces: number; ours: Timing; js: Timing };
}
