/**
 * The contract between the page (the volunteer loop, the lab) and the compute worker
 * (workers/compute.worker.ts, exposed with Comlink). Types only, so the page can import it without
 * pulling in the GPU runtime.
 *
 * Errors cross the Comlink boundary with `name` and `message` only: branch on `error.name`, one of
 * `ComputeErrorName`.
 */

/** What runs the shards: a WebGPU adapter, or the kernels' CPU reference when there is none. */
export interface AdapterSummary {
  mode: 'webgpu' | 'cpu';
  /** `GPUAdapterInfo.vendor` (e.g. `google`, `nvidia`); empty in CPU mode. */
  vendor: string;
  /** `GPUAdapterInfo.architecture` (e.g. `swiftshader`, `ampere`); empty in CPU mode. */
  architecture: string;
  /** The adapter's description, or in CPU mode why there is no GPU. */
  description: string;
  /** A software adapter (SwiftShader, llvmpipe, WARP) or `isFallbackAdapter`. */
  fallback: boolean;
  /** The adapter's WebGPU features, sorted. */
  features: string[];
  /** Whether `RunResult.gpuMs` is measured (the `timestamp-query` feature). */
  timestampQuery: boolean;
}

export interface RunRequest {
  /** A kernel name from the registry (the lease's `kernel`). */
  kernel: string;
  /** The lease's shard params; validated with the kernel's `shardParamsSchema` in the worker. */
  params: unknown;
  /** The shard's input blobs by name (the lease's `inputs`). */
  inputs: Record<string, Uint8Array>;
}

export interface RunResult {
  /** The shard's result bytes, exactly what `PUT /api/v1/leases/{id}/result` expects. */
  result: Uint8Array;
  /** Time in the worker from receiving the request to having the result. */
  wallMs: number;
  /** Time the compute pass took on the GPU (timestamp queries); null on CPU or without the feature. */
  gpuMs: number | null;
  /** The pipeline that ran (e.g. `matmul/register/8x8`); absent when the CPU reference ran. */
  shaderKey?: string;
}

export interface RunOptions {
  /**
   * Watchdog: reject with `ShardTimeoutError` after this long (default 30 s) and replace the GPU
   * device, the only way to stop a runaway shader. On the CPU path a running reference cannot be
   * interrupted inside the worker; terminate the worker for that.
   */
  timeoutMs?: number;
  /**
   * Diagnostics and tests only: pretend the adapter has these properties when the kernel picks a
   * shader variant (e.g. `{fallback: false, architecture: 'test'}` forces matmul's tiled variant).
   */
  adapterOverride?: { vendor?: string; architecture?: string; fallback?: boolean };
}

export interface ComputeWorkerApi {
  /**
   * Acquires the GPU device (or settles on the CPU fallback) and describes it. Safe to call again:
   * after a `DeviceLostError` it waits for the replacement device.
   */
  init(options?: { forceCpu?: boolean }): Promise<AdapterSummary>;
  /**
   * Runs one shard. Rejects with `InvalidShardError` for a request that does not fit the kernel,
   * `DeviceLostError` when the device was lost while the run was in flight (the next run gets a
   * new device), `ShardTimeoutError` past `timeoutMs`, `KernelError` when the kernel itself failed.
   */
  run(request: RunRequest, options?: RunOptions): Promise<RunResult>;
  /** Test hook: destroys the current GPUDevice as if it were lost. */
  loseDevice(): Promise<void>;
}

/** Extra calls the worker answers for the lab page and tests; not needed to donate. */
export interface ComputeWorkerDiagnostics {
  /**
   * SHA-256 of `message` (8 to 136 bytes) computed by shaders/hashsearch.wgsl's `digest` entry
   * point: the same code path the hash search runs, checkable against FIPS 180-4 vectors.
   */
  gpuSha256(message: Uint8Array): Promise<Uint8Array>;
}

/** Everything compute.worker.ts exposes. */
export type ComputeWorkerExposed = ComputeWorkerApi & ComputeWorkerDiagnostics;

/** The `name`s of errors `run` rejects with; stable across the Comlink boundary. */
export type ComputeErrorName = 'InvalidShardError' | 'DeviceLostError' | 'ShardTimeoutError' | 'KernelError';
