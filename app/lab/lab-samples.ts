import { f32ToLe } from '@/lib/kernels/f32-le';
import { hashsearchShard } from '@/lib/kernels/hashsearch/hashsearch-ringers';
import { createPrng } from '@/lib/kernels/prng';
import type { RunRequest } from '@/workers/compute-api';

/** One self-test case: a small shard of a kernel, run on the GPU and checked against its CPU reference. */
export interface LabSample {
  kernel: string;
  label: string;
  request(): RunRequest;
}

function randomMatrix(rows: number, cols: number, seed: number): Uint8Array {
  const next = createPrng([seed, 1, 2, 3]);
  return f32ToLe(Float32Array.from({ length: rows * cols }, () => next() / 2 ** 31 - 1));
}

function matmulSample(rows: number, cols: number, k: number): LabSample {
  return {
    kernel: 'matmul',
    label: `${rows}×${k} · ${k}×${cols}`,
    request: () => ({
      kernel: 'matmul',
      params: { m: rows, n: cols, k, row0: 0, rows, col0: 0, cols },
      inputs: { a: randomMatrix(rows, k, rows * 7 + k), b: randomMatrix(k, cols, cols * 13 + k) },
    }),
  };
}

/**
 * The lab's samples, by kernel. Small enough for a phone's CPU reference to finish in well under a
 * second; awkward sizes on purpose (not multiples of any tile), and a nonce range across 2^32.
 * A kernel without a sample is listed as untested.
 */
export const LAB_SAMPLES: readonly LabSample[] = [
  matmulSample(64, 64, 64),
  matmulSample(33, 65, 17),
  {
    kernel: 'hashsearch',
    label: '2^16 nonces across 2^32, difficulty 8',
    // With freshly planted ringers, as the coordinator's split makes them.
    request: () => ({
      kernel: 'hashsearch',
      params: hashsearchShard({
        prefix: '5370617265204379636c6573',
        difficulty: 8,
        nonceStart: String(2 ** 32 - 2 ** 15),
        nonceCount: 2 ** 16,
      }).params,
      inputs: {},
    }),
  },
];
