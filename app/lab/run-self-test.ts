import { bytesToHex } from '@/lib/kernels/hex';
import { getKernel } from '@/lib/kernels/registry';
import type { ComputeWorkerExposed } from '@/workers/compute-api';
import type { LabSample } from './lab-samples';
import { SHA256_VECTORS } from './sha256-vectors';

/** One row of the lab's results table. */
export interface SelfTestRow {
  kernel: string;
  label: string;
  /** `untested`: the kernel has no lab sample yet (listed so it is not silently missing). */
  status: 'pass' | 'fail' | 'error' | 'untested';
  detail: string;
  /** Worker wall time (GPU path, upload and read-back included). */
  wallMs: number | null;
  gpuMs: number | null;
  /** The CPU reference on this page's thread. */
  cpuMs: number | null;
  shaderKey: string | null;
}

type Api = Pick<ComputeWorkerExposed, 'run' | 'gpuSha256'>;

/**
 * Runs one sample in the worker and its kernel's CPU reference here, and compares them with the
 * kernel's own `verify.compare` (a tolerance for floats, exact bytes for integers): the same
 * judgement the coordinator applies between two replicas.
 */
export async function runSample(api: Api, sample: LabSample): Promise<SelfTestRow> {
  const base = {
    kernel: sample.kernel,
    label: sample.label,
    gpuMs: null,
    cpuMs: null,
    wallMs: null,
    shaderKey: null,
  };
  const kernel = getKernel(sample.kernel);
  if (!kernel) return { ...base, status: 'error', detail: 'no such kernel in this build' };
  const request = sample.request();
  try {
    const gpu = await api.run(request);
    const shard = { params: kernel.shardParamsSchema.parse(request.params), inputs: request.inputs };
    const started = performance.now();
    const cpu = kernel.reference(shard);
    const cpuMs = performance.now() - started;
    const agree = kernel.verify.compare(shard, gpu.result, cpu);
    return {
      ...base,
      status: agree ? 'pass' : 'fail',
      detail: agree
        ? `matches the CPU reference (${gpu.result.length} bytes)`
        : `differs from the CPU reference (${gpu.result.length} vs ${cpu.length} bytes)`,
      wallMs: gpu.wallMs,
      gpuMs: gpu.gpuMs,
      cpuMs,
      shaderKey: gpu.shaderKey ?? null,
    };
  } catch (error) {
    return { ...base, status: 'error', detail: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Checks the WGSL SHA-256 (hashsearch's `digest` entry point) against FIPS 180-4 known answers. */
export async function runSha256Vectors(api: Api): Promise<SelfTestRow> {
  const base = {
    kernel: 'hashsearch',
    label: 'SHA-256 known answers (FIPS 180-4)',
    cpuMs: null,
    gpuMs: null,
    shaderKey: 'hashsearch/digest',
  };
  const started = performance.now();
  try {
    const wrong: string[] = [];
    for (const { message, digest } of SHA256_VECTORS) {
      const got = bytesToHex(await api.gpuSha256(new TextEncoder().encode(message)));
      if (got !== digest) wrong.push(`${message.slice(0, 12)}…: got ${got}`);
    }
    return {
      ...base,
      status: wrong.length === 0 ? 'pass' : 'fail',
      detail: wrong.length === 0 ? `${SHA256_VECTORS.length} digests correct` : wrong.join('; '),
      wallMs: performance.now() - started,
    };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      detail: `${(error as Error).name}: ${(error as Error).message}`,
      wallMs: null,
    };
  }
}
