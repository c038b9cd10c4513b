import type { ComputeWorkerApi } from '@/workers/compute-api';
import { type ComputeWorkerHandle, createComputeWorker } from '@/workers/create-compute-worker';

/** Where the chosen throttle is remembered between visits (percent, 10–100); the page and widget share it. */
export const DUTY_STORAGE_KEY = 'spare-cycles.duty';

/** The throttle chosen before, rounded to the slider's 5 % steps; 100 when none or storage is blocked. */
export function storedDutyPercent(): number {
  try {
    const value = Number(localStorage.getItem(DUTY_STORAGE_KEY));
    if (Number.isFinite(value) && value >= 10 && value <= 100) return Math.round(value / 5) * 5;
  } catch {
    // storage blocked (e.g. a third-party frame in a strict browser): use the default
  }
  return 100;
}

export function saveDutyPercent(percent: number): void {
  try {
    localStorage.setItem(DUTY_STORAGE_KEY, String(percent));
  } catch {
    // storage blocked: the setting lasts for this visit
  }
}

/**
 * The compute backend a `VolunteerClient` starts and releases: a fresh compute worker per start
 * (the Donate click), terminated after Stop — so the GPU is untouched outside a donation, even by
 * a shard still running on the CPU fallback.
 */
export function workerBackend(): {
  createCompute: () => ComputeWorkerApi;
  releaseCompute: (api: ComputeWorkerApi) => void;
} {
  const workers = new Map<ComputeWorkerApi, ComputeWorkerHandle>();
  return {
    createCompute: () => {
      const handle = createComputeWorker();
      workers.set(handle.api, handle);
      return handle.api;
    },
    releaseCompute: (api) => {
      workers.get(api)?.terminate();
      workers.delete(api);
    },
  };
}
