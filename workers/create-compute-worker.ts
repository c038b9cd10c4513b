import * as Comlink from 'comlink';
import type { ComputeWorkerExposed } from './compute-api';

/** A running compute worker: its Comlink proxy and how to stop it. */
export interface ComputeWorkerHandle {
  api: Comlink.Remote<ComputeWorkerExposed>;
  /** Stops the worker at once, abandoning anything in flight (the way to stop a CPU-fallback shard). */
  terminate(): void;
}

/**
 * Starts workers/compute.worker.ts as a module worker (bundled by Next in build and dev through
 * the `new URL(…, import.meta.url)` pattern). Call it from a user action: nothing touches the GPU
 * before `api.init()`.
 */
export function createComputeWorker(): ComputeWorkerHandle {
  const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), {
    type: 'module',
    name: 'spare-cycles-compute',
  });
  const api = Comlink.wrap<ComputeWorkerExposed>(worker);
  return {
    api,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
