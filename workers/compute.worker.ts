/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { ComputeWorkerExposed } from './compute-api';
import { createComputeService } from './compute-service';

/**
 * The compute worker: a module worker exposing `ComputeWorkerExposed` with Comlink. Start it with
 * `createComputeWorker()` (workers/create-compute-worker.ts). Results are transferred, not copied.
 */
const service = createComputeService({ gpu: 'gpu' in navigator ? navigator.gpu : undefined });

const transferable = (bytes: Uint8Array) => (bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);

const exposed: ComputeWorkerExposed = {
  init: (options) => service.init(options),
  async run(request, options) {
    const output = await service.run(request, options);
    return Comlink.transfer(output, transferable(output.result));
  },
  loseDevice: () => service.loseDevice(),
  async gpuSha256(message) {
    const digest = await service.gpuSha256(message);
    return Comlink.transfer(digest, transferable(digest));
  },
};

Comlink.expose(exposed);
