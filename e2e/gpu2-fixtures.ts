import type { Page } from '@playwright/test';
import type { ShardSpec } from '../lib/kernels/kernel';
import type { RunOptionsWire, WireRequest } from './gpu-lab-fixtures';

/**
 * Helpers for the GPU specs of the kernels without a shared CPU path (mandelbrot, montecarlo,
 * wgsl) and the poison-shader spec. Unlike `runShard` in gpu-lab-fixtures.ts, `runOnGpu` does not
 * call the kernel's reference in the page: `wgsl` has none, and the specs compare in Node with the
 * kernel module they imported.
 */

export type GpuOutcome =
  | { ok: true; result: number[]; shaderKey: string | null; ms: number }
  | { ok: false; name: string; message: string; ms: number };

/** A shard from the kernel's own `split`, in the form `page.evaluate` can carry. */
export function wireShard(kernel: string, shard: ShardSpec<unknown>): WireRequest {
  return {
    kernel,
    params: shard.params,
    inputs: Object.fromEntries(
      Object.entries(shard.inputs).map(([name, bytes]) => [name, Array.from(bytes)]),
    ),
  };
}

/** Runs one shard in the lab page's worker `worker`; errors come back as their name and message. */
export async function runOnGpu(
  page: Page,
  worker: string,
  request: WireRequest,
  options: RunOptionsWire = {},
): Promise<GpuOutcome> {
  return page.evaluate(
    async ({ worker, request, options }) => {
      const api = window.__sparecyclesLab!.worker(worker);
      const inputs = Object.fromEntries(
        Object.entries(request.inputs).map(([k, v]) => [k, Uint8Array.from(v)]),
      );
      const started = performance.now();
      try {
        const out = await api.run({ kernel: request.kernel, params: request.params, inputs }, options);
        return {
          ok: true as const,
          result: Array.from(out.result),
          shaderKey: out.shaderKey ?? null,
          ms: performance.now() - started,
        };
      } catch (error) {
        return {
          ok: false as const,
          name: (error as Error).name,
          message: (error as Error).message,
          ms: performance.now() - started,
        };
      }
    },
    { worker, request, options },
  );
}

/** Little-endian u32 words of a byte array. */
export function u32Words(bytes: ArrayLike<number>): number[] {
  const buffer = Buffer.from(Uint8Array.from(bytes));
  return Array.from({ length: buffer.length / 4 }, (_, i) => buffer.readUInt32LE(4 * i));
}
