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
  /**
   * The inference benchmark's baseline: onnxruntime-web called directly on this page's thread (no
   * worker, no platform code), with the same settings the worker uses. Runs the batch `runs` times
   * after one warm-up and returns each run's milliseconds and the session creation time.
   */
  onnxDirect(options: {
    model: Uint8Array;
    feeds: { name: string; dims: number[]; data: Float32Array }[];
    rows: number;
    output: string;
    backend: 'webgpu' | 'wasm';
    runs: number;
  }): Promise<{ createMs: number; firstMs: number; runMs: number[] }>;
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
  async onnxDirect({ model, feeds, rows, output, backend, runs }) {
    const { loadOnnxRuntimeWeb } = await import('@/workers/onnx-runner');
    const ort = await loadOnnxRuntimeWeb();
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(model, { executionProviders: [backend] });
    const createMs = performance.now() - t0;
    const once = async () => {
      const started = performance.now();
      const inputs = Object.fromEntries(
        feeds.map((feed) => [feed.name, new ort.Tensor('float32', feed.data, [rows, ...feed.dims])]),
      );
      const results = await session.run(inputs, [output]);
      await results[output]!.getData();
      for (const tensor of Object.values(results)) tensor.dispose();
      return performance.now() - started;
    };
    const firstMs = await once();
    const runMs: number[] = [];
    for (let i = 0; i < runs; i++) runMs.push(await once());
    await session.release();
    return { createMs, firstMs, runMs };
  },
};

/** Installs the hook (idempotent) and returns it. */
export function installLabHooks(): SparecyclesLabHooks {
  window.__sparecyclesLab = hooks;
  return hooks;
}
