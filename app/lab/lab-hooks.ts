import type { Remote } from 'comlink';
import { getKernel, kernelNames } from '@/lib/kernels/registry';
import type { ComputeWorkerExposed, RunRequest } from '@/workers/compute-api';
import { type ComputeWorkerHandle, createComputeWorker } from '@/workers/create-compute-worker';

/**
 * The lab's test hook, `window.__sparecyclesLab`, for the end-to-end tests and the kernel
 * benchmark. It exists only after "Run self-test" was clicked, or from page load when the URL has
 * `?hooks=1` (`/lab?hooks=1`); even then no worker starts and nothing touches the GPU until a hook
 * method asks for a worker.
 *
 * @example
 * // in page.evaluate on /lab?hooks=1
 * const api = window.__sparecyclesLab.worker('gpu');
 * await api.init();
 * const { result, gpuMs } = await api.run({ kernel: 'matmul', params, inputs });
 */
export interface SparecyclesLabHooks {
  /** The compute worker called `name`, started on first use; each name is its own worker. */
  worker(name?: string): Remote<ComputeWorkerExposed>;
  /** Terminates the worker called `name` (a new one starts on the next `worker(name)`). */
  terminate(name?: string): void;
  /** The kernel's CPU reference for `request`, on the page's thread. */
  reference(request: RunRequest): Uint8Array;
  /** The kernel's own replica comparison (`verify.compare`) of two results of `request`. */
  compare(request: RunRequest, a: Uint8Array, b: Uint8Array): boolean;
  kernelNames: readonly string[];
}

declare global {
  interface Window {
    __sparecyclesLab?: SparecyclesLabHooks;
  }
}

const workers = new Map<string, ComputeWorkerHandle>();

function shardOf(request: RunRequest) {
  const kernel = getKernel(request.kernel);
  if (!kernel) throw new Error(`unknown kernel ${request.kernel}`);
  return {
    kernel,
    shard: { params: kernel.shardParamsSchema.parse(request.params), inputs: request.inputs },
  };
}

const hooks: SparecyclesLabHooks = {
  worker(name = 'lab') {
    let handle = workers.get(name);
    if (!handle) {
      handle = createComputeWorker();
      workers.set(name, handle);
    }
    return handle.api;
  },
  terminate(name = 'lab') {
    workers.get(name)?.terminate();
    workers.delete(name);
  },
  reference(request) {
    const { kernel, shard } = shardOf(request);
    return kernel.reference(shard);
  },
  compare(request, a, b) {
    const { kernel, shard } = shardOf(request);
    return kernel.verify.compare(shard, a, b);
  },
  kernelNames,
};

/** Installs the hook (idempotent) and returns it. */
export function installLabHooks(): SparecyclesLabHooks {
  window.__sparecyclesLab = hooks;
  return hooks;
}
