import { sha256DigestDispatch } from '@/lib/kernels/hashsearch/hashsearch-gpu';
import type { AnyKernel, ShardSpec } from '@/lib/kernels/kernel';
import type { OnnxShardParams } from '@/lib/kernels/onnx/onnx-params';
import type { AdapterSummary, ComputeWorkerExposed, RunOptions, RunRequest, RunResult } from './compute-api';
import { DeviceLostError, InvalidShardError, KernelError } from './compute-errors';
import { GpuRuntime } from './gpu-runtime';
import { OnnxRunner } from './onnx-runner';
import { parseRunRequest } from './parse-run-request';
import { withWatchdog } from './with-watchdog';

/** Default watchdog: far above any honest shard (≈ 1 s on SwiftShader), far below a lease (300 s). */
export const DEFAULT_SHARD_TIMEOUT_MS = 30_000;

export interface ComputeServiceEnv {
  /** `navigator.gpu`, or undefined where WebGPU is missing (then every run uses the CPU reference). */
  gpu: GPU | undefined;
}

/**
 * The compute worker's logic, apart from Comlink so it can be unit-tested: owns the GPU runtime
 * (device, pipelines, buffers), replaces it when the device is lost or the watchdog fires, falls
 * back to each kernel's CPU `reference` when there is no WebGPU, and runs shards one at a time
 * (the GPU runs them one at a time anyway, and timestamps stay per shard).
 */
export function createComputeService(env: ComputeServiceEnv): ComputeWorkerExposed {
  return new ComputeService(env.gpu);
}

class ComputeService implements ComputeWorkerExposed {
  private forceCpu = false;
  /** The current runtime (or its acquisition); null result = CPU mode. Unset until first needed. */
  private runtime: Promise<GpuRuntime | null> | null = null;
  /** The settled value of `runtime`, to notice a lost device synchronously. */
  private current: GpuRuntime | null = null;
  private cpuReason = 'navigator.gpu is missing (no WebGPU in this browser)';
  /** The last acquisition found no adapter or device: CPU mode until `init` tries again. */
  private acquireFailed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** `onnx` shards run in onnxruntime-web, which owns its own WebGPU device (or WebAssembly). */
  private readonly onnx = new OnnxRunner(() => this.gpu !== undefined);

  constructor(private readonly gpu: GPU | undefined) {}

  async init(options?: { forceCpu?: boolean }): Promise<AdapterSummary> {
    this.forceCpu = options?.forceCpu === true;
    if (this.forceCpu) {
      this.cpuReason = 'forced by forceCpu';
      this.current?.destroy('released: switched to the CPU fallback');
      this.current = null;
      this.runtime = null;
    } else if (this.acquireFailed) {
      // No adapter last time (or it failed): ask again, the browser may have one now.
      this.runtime = null;
    }
    const runtime = await this.currentRuntime();
    return runtime ? runtime.summary : this.cpuSummary();
  }

  async run(request: RunRequest, options?: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const { kernel, shard } = parseRunRequest(request);
    if (kernel.runtime === 'onnx') return this.runOnnx(kernel, shard, started, options);
    // Bound now: a device lost from here on fails this run, even if it is still queued.
    const runtime = this.currentRuntime();
    return this.serialize(async () => {
      const gpu = await runtime;
      if (!gpu) {
        const result = runReference(kernel, shard);
        return { result, wallMs: performance.now() - started, gpuMs: null };
      }
      const profile = { ...gpu.profile, ...options?.adapterOverride };
      const dispatch = callKernel(kernel, 'dispatch', () => {
        if (!kernel.dispatch) throw new KernelError(`${kernel.name} has no WebGPU dispatch`);
        return kernel.dispatch(shard, profile);
      });
      const timeoutMs = options?.timeoutMs ?? DEFAULT_SHARD_TIMEOUT_MS;
      const output = await withWatchdog(
        gpu.run(dispatch),
        timeoutMs,
        () => this.replace(gpu, `watchdog: ${kernel.name} shard ran past ${timeoutMs} ms`),
        `${kernel.name} shard`,
      );
      if (gpu.isLost) throw new DeviceLostError('the GPU device was lost while the shard ran');
      const result = callKernel(kernel, 'finish', () => dispatch.finish(output.readback));
      checkResultSize(kernel, shard, result);
      return {
        result,
        wallMs: performance.now() - started,
        gpuMs: output.gpuMs,
        shaderKey: dispatch.shaderKey,
      };
    });
  }

  /** An `onnx` shard: onnxruntime-web with WebGPU, or WebAssembly when forced to the CPU or without WebGPU. */
  private runOnnx(
    kernel: AnyKernel,
    shard: ShardSpec<unknown>,
    started: number,
    options?: RunOptions,
  ): Promise<RunResult> {
    return this.serialize(async () => {
      const timeoutMs = options?.timeoutMs ?? DEFAULT_SHARD_TIMEOUT_MS;
      const output = await withWatchdog(
        this.onnx.run(shard as ShardSpec<OnnxShardParams>, { forceWasm: this.forceCpu }),
        timeoutMs,
        () => this.onnx.reset(),
        `${kernel.name} shard`,
      );
      checkResultSize(kernel, shard, output.result);
      return {
        result: output.result,
        wallMs: performance.now() - started,
        gpuMs: null,
        shaderKey: `onnx/${output.backend}`,
      };
    });
  }

  async loseDevice(): Promise<void> {
    const runtime = this.current;
    if (runtime) this.replace(runtime, 'lost on purpose (loseDevice test hook)');
  }

  async gpuSha256(message: Uint8Array): Promise<Uint8Array> {
    const runtime = this.currentRuntime();
    return this.serialize(async () => {
      const gpu = await runtime;
      if (!gpu) throw new KernelError(`no GPU: ${this.cpuReason}`);
      const dispatch = sha256DigestDispatch(message);
      const output = await withWatchdog(gpu.run(dispatch), DEFAULT_SHARD_TIMEOUT_MS, () =>
        this.replace(gpu, 'watchdog: digest'),
      );
      return dispatch.finish(output.readback);
    });
  }

  private currentRuntime(): Promise<GpuRuntime | null> {
    if (this.forceCpu || !this.gpu) return Promise.resolve(null);
    if (this.current?.isLost) this.runtime = null;
    this.runtime ??= this.acquire();
    return this.runtime;
  }

  private async acquire(): Promise<GpuRuntime | null> {
    const gpu = this.gpu!;
    let runtime: GpuRuntime | null;
    try {
      runtime = await GpuRuntime.acquire(gpu);
    } catch (error) {
      this.cpuReason = `acquiring a WebGPU device failed: ${(error as Error).message}`;
      this.acquireFailed = true;
      return null;
    }
    if (!runtime) {
      this.cpuReason = 'requestAdapter() found no WebGPU adapter';
      this.acquireFailed = true;
      return null;
    }
    this.acquireFailed = false;
    if (this.forceCpu) {
      // init({forceCpu}) arrived while this device was being acquired.
      runtime.destroy('released: switched to the CPU fallback');
      return null;
    }
    this.current = runtime;
    // Re-acquire as soon as the device goes, so the next shard does not wait for it.
    void runtime.lost.then(() => this.replace(runtime, 'device lost'));
    return runtime;
  }

  /** Retires `runtime` (destroying its device) and starts acquiring its successor. */
  private replace(runtime: GpuRuntime, reason: string): void {
    if (!runtime.isLost) runtime.destroy(reason);
    if (this.current !== runtime) return;
    this.current = null;
    this.runtime = this.forceCpu ? null : this.acquire();
  }

  private cpuSummary(): AdapterSummary {
    return {
      mode: 'cpu',
      vendor: '',
      architecture: '',
      description: `CPU fallback: ${this.cpuReason}`,
      fallback: false,
      features: [],
      timestampQuery: false,
    };
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Runs a kernel hook, turning its failures into the worker's error names. */
function callKernel<T>(kernel: AnyKernel, hook: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof KernelError || error instanceof InvalidShardError) throw error;
    const message = `${kernel.name}.${hook}: ${(error as Error).message}`;
    // Kernels throw RangeError when inputs do not fit the params: the lease, not the kernel, is bad.
    throw error instanceof RangeError && hook !== 'finish'
      ? new InvalidShardError(message)
      : new KernelError(message);
  }
}

function runReference(kernel: AnyKernel, shard: ShardSpec<unknown>): Uint8Array {
  const result = callKernel(kernel, 'reference', () => kernel.reference(shard));
  checkResultSize(kernel, shard, result);
  return result;
}

/** Never hand back bytes the coordinator would refuse as the wrong size: that is a kernel bug. */
function checkResultSize(kernel: AnyKernel, shard: ShardSpec<unknown>, result: Uint8Array): void {
  const size = kernel.resultSize(shard.params);
  const ok =
    'exact' in size
      ? result.length === size.exact
      : result.length % size.multipleOf === 0 && result.length <= size.max;
  if (!ok) {
    throw new KernelError(
      `${kernel.name} produced ${result.length} bytes; the coordinator expects ${JSON.stringify(size)}`,
    );
  }
}
