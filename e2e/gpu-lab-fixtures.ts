import type { Page } from '@playwright/test';
import { f32DotErrorFactor, f32FlushSlack } from '../lib/kernels/f32-error';

/**
 * Helpers for the GPU specs: they drive the compute worker through the lab page's test hook
 * (`window.__sparecyclesLab`, installed by `/lab?hooks=1`; see app/lab/lab-hooks.ts), so every
 * run goes through the real worker, Comlink, and WebGPU on SwiftShader.
 */

export interface WireRequest {
  kernel: string;
  params: unknown;
  /** Inputs as byte arrays (Playwright serializes plain arrays, not typed ones). */
  inputs: Record<string, number[]>;
}

export type WireOutcome =
  | {
      ok: true;
      result: number[];
      wallMs: number;
      gpuMs: number | null;
      shaderKey: string | null;
      agrees: boolean;
    }
  | { ok: false; name: string; message: string };

export interface RunOptionsWire {
  timeoutMs?: number;
  adapterOverride?: { vendor?: string; architecture?: string; fallback?: boolean };
}

export async function openLab(page: Page): Promise<void> {
  await page.goto('/lab?hooks=1');
  await page.waitForFunction(() => window.__sparecyclesLab !== undefined);
}

/** init() on the worker called `worker` (forceCpu for the CPU fallback). */
export async function initWorker(page: Page, worker: string, forceCpu = false) {
  return page.evaluate(({ worker, forceCpu }) => window.__sparecyclesLab!.worker(worker).init({ forceCpu }), {
    worker,
    forceCpu,
  });
}

/**
 * Runs one shard in the worker and, in the page, compares the result with the kernel's CPU
 * reference through `verify.compare` (`agrees`). Errors come back as their name and message.
 */
export async function runShard(
  page: Page,
  worker: string,
  request: WireRequest,
  options: RunOptionsWire = {},
): Promise<WireOutcome> {
  return page.evaluate(
    async ({ worker, request, options }) => {
      const lab = window.__sparecyclesLab!;
      const decoded = {
        kernel: request.kernel,
        params: request.params,
        inputs: Object.fromEntries(Object.entries(request.inputs).map(([k, v]) => [k, Uint8Array.from(v)])),
      };
      try {
        const out = await lab.worker(worker).run(decoded, options);
        const reference = lab.reference(decoded);
        return {
          ok: true as const,
          result: Array.from(out.result),
          wallMs: out.wallMs,
          gpuMs: out.gpuMs,
          shaderKey: out.shaderKey ?? null,
          agrees: lab.compare(decoded, out.result, reference),
        };
      } catch (error) {
        return { ok: false as const, name: (error as Error).name, message: (error as Error).message };
      }
    },
    { worker, request, options },
  );
}

/** Deterministic f32 values in [-1, 1) (an LCG, so Node and the page agree on the inputs). */
export function randomF32(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

export const bytesOf = (values: Float32Array): number[] => Array.from(new Uint8Array(values.buffer));
export const f32Of = (bytes: number[]): Float32Array => new Float32Array(Uint8Array.from(bytes).buffer);

/**
 * The worst element error of an f32 product against the exact (f64) one, relative to the bound
 * every honest f32 dot product of length k meets in any summation order:
 * |ĉᵢⱼ − cᵢⱼ| ≤ γ_k·(|A||B|)ᵢⱼ + 2k·2⁻¹²⁶, γ_k = k·2⁻²⁴ / (1 − k·2⁻²⁴) (Higham §3.1, plus slack
 * for flushed subnormals). Returns max over elements of error / bound: ≤ 1 passes.
 */
export function worstErrorRatio(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  rows: number,
  cols: number,
  k: number,
): number {
  const gamma = f32DotErrorFactor(k);
  const slack = f32FlushSlack(k);
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let exact = 0;
      let magnitude = 0;
      for (let l = 0; l < k; l++) {
        const term = a[i * k + l]! * b[l * cols + j]!;
        exact += term;
        magnitude += Math.abs(term);
      }
      const got = c[i * cols + j]!;
      if (!Number.isFinite(got)) return Number.POSITIVE_INFINITY;
      worst = Math.max(worst, Math.abs(got - exact) / (gamma * magnitude + slack));
    }
  }
  return worst;
}
