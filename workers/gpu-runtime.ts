import type { AdapterProfile, GpuBufferSpec, GpuDispatch } from '@/lib/kernels/gpu';
import { BufferPool } from './buffer-pool';
import type { AdapterSummary } from './compute-api';
import { DeviceLostError, KernelError } from './compute-errors';
import { adapterFacts, describeAdapter } from './describe-adapter';

/** How each kind of `GpuBufferSpec` is created and bound. */
const BINDING = {
  read: {
    usage: usageFlags('STORAGE', 'COPY_DST'),
    layout: { type: 'read-only-storage' },
  },
  uniform: { usage: usageFlags('UNIFORM', 'COPY_DST'), layout: { type: 'uniform' } },
  readwrite: {
    usage: usageFlags('STORAGE', 'COPY_DST', 'COPY_SRC'),
    layout: { type: 'storage' },
  },
} as const satisfies Record<GpuBufferSpec['usage'], { usage: number; layout: GPUBufferBindingLayout }>;

/** `GPUBufferUsage` exists only where WebGPU does; the flag values are fixed by the spec. */
function usageFlags(
  ...names: ('STORAGE' | 'UNIFORM' | 'COPY_DST' | 'COPY_SRC' | 'MAP_READ' | 'QUERY_RESOLVE')[]
): number {
  const flags = {
    MAP_READ: 0x1,
    COPY_SRC: 0x4,
    COPY_DST: 0x8,
    UNIFORM: 0x40,
    STORAGE: 0x80,
    QUERY_RESOLVE: 0x200,
  };
  return names.reduce((sum, name) => sum | flags[name], 0);
}
const STAGING_USAGE = usageFlags('MAP_READ', 'COPY_DST');
const MAP_READ_MODE = 0x1;

/** What one dispatch produced: the read-back bytes (a fresh copy) and the pass's GPU time. */
export interface DispatchOutput {
  readback: Uint8Array;
  gpuMs: number | null;
}

/**
 * One GPUDevice and everything tied to it: the pipeline cache (by `shaderKey`), bind group
 * layouts, a buffer pool and timestamp queries. Kernel-agnostic: it runs any `GpuDispatch`.
 * When the device is lost (or destroyed by the watchdog), the runtime is dead for good and every
 * run on it rejects with `DeviceLostError`; the owner acquires a new one.
 */
export class GpuRuntime {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly pool: BufferPool;
  private readonly timestamps: { querySet: GPUQuerySet; resolve: GPUBuffer; staging: GPUBuffer } | null;
  private lostReason: string | null = null;
  private markLost!: (reason: string) => void;
  /** Resolves with a reason once the device is lost, whoever lost it. */
  readonly lost: Promise<string>;

  private constructor(
    private readonly device: GPUDevice,
    readonly profile: AdapterProfile,
    readonly summary: AdapterSummary,
  ) {
    this.pool = new BufferPool(device);
    this.lost = new Promise((resolve) => {
      this.markLost = (reason) => {
        if (this.lostReason !== null) return;
        this.lostReason = reason;
        resolve(reason);
      };
    });
    device.lost.then((info) => this.markLost(info.message || `device lost (${info.reason})`));
    device.onuncapturederror = (event) =>
      console.warn('[compute worker] uncaptured WebGPU error:', event.error.message);
    this.timestamps = summary.timestampQuery
      ? {
          querySet: device.createQuerySet({ type: 'timestamp', count: 2, label: 'pass timestamps' }),
          resolve: device.createBuffer({
            size: 16,
            usage: usageFlags('QUERY_RESOLVE', 'COPY_SRC'),
            label: 'timestamps resolve',
          }),
          staging: device.createBuffer({ size: 16, usage: STAGING_USAGE, label: 'timestamps read-back' }),
        }
      : null;
  }

  /**
   * Requests an adapter and a device with the adapter's compute limits (kernels size their work
   * from the profile, so the device must really have them) and `timestamp-query` when offered.
   * Null when the browser has no adapter for us.
   */
  static async acquire(gpu: GPU): Promise<GpuRuntime | null> {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const { profile, summary } = describeAdapter(adapterFacts(adapter));
    const { limits } = adapter;
    const device = await adapter.requestDevice({
      label: 'spare-cycles compute',
      requiredFeatures: summary.timestampQuery ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
    return new GpuRuntime(device, profile, summary);
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Destroys the device (test hook, watchdog); runs in flight reject with `DeviceLostError`. */
  destroy(reason: string): void {
    this.markLost(reason);
    this.device.destroy();
  }

  /** Runs one dispatch: upload, one compute pass, read back. */
  async run(dispatch: GpuDispatch): Promise<DispatchOutput> {
    this.throwIfLost();
    checkDispatch(dispatch, this.profile);
    const pipeline = await this.raceLost(this.pipeline(dispatch));
    this.throwIfLost();
    const device = this.device;
    const held: GPUBuffer[] = [];
    try {
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
      const buffers = dispatch.buffers.map((spec, binding) => {
        const size = spec.usage === 'readwrite' ? spec.size : spec.data.length;
        const buffer = this.pool.acquire(
          size,
          BINDING[spec.usage].usage,
          `${dispatch.shaderKey} #${binding}`,
        );
        held.push(buffer);
        return { spec, buffer, size: BufferPool.roundSize(size) };
      });
      const { bytes } = dispatch.readback;
      const staging = this.pool.acquire(bytes, STAGING_USAGE, `${dispatch.shaderKey} read-back`);
      held.push(staging);

      const encoder = device.createCommandEncoder({ label: dispatch.shaderKey });
      for (const { spec, buffer } of buffers) {
        const data = spec.data;
        if (data) device.queue.writeBuffer(buffer, 0, padTo4(data));
        // Pooled buffers hold the previous shard's bytes: zero what the kernel expects zeroed,
        // and the tail of anything written shorter than its buffer.
        if (spec.usage === 'readwrite' && !data) encoder.clearBuffer(buffer);
        else if (data && BufferPool.roundSize(data.length) < buffer.size) {
          encoder.clearBuffer(buffer, BufferPool.roundSize(data.length));
        }
      }
      const bindGroup = device.createBindGroup({
        label: dispatch.shaderKey,
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map(({ buffer, size }, binding) => ({ binding, resource: { buffer, size } })),
      });
      const pass = encoder.beginComputePass({
        label: dispatch.shaderKey,
        ...(this.timestamps && {
          timestampWrites: {
            querySet: this.timestamps.querySet,
            beginningOfPassWriteIndex: 0,
            endOfPassWriteIndex: 1,
          },
        }),
      });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...dispatch.workgroups);
      pass.end();
      if (this.timestamps) {
        encoder.resolveQuerySet(this.timestamps.querySet, 0, 2, this.timestamps.resolve, 0);
        encoder.copyBufferToBuffer(this.timestamps.resolve, 0, this.timestamps.staging, 0, 16);
      }
      const source = buffers[dispatch.readback.buffer]!.buffer;
      encoder.copyBufferToBuffer(source, 0, staging, 0, BufferPool.roundSize(bytes));
      device.queue.submit([encoder.finish()]);
      const validation = device.popErrorScope();
      const outOfMemory = device.popErrorScope();

      const mappings = [staging.mapAsync(MAP_READ_MODE)];
      if (this.timestamps) mappings.push(this.timestamps.staging.mapAsync(MAP_READ_MODE));
      const [validationError, memoryError] = await this.raceLost(
        Promise.all([validation, outOfMemory, ...mappings]),
      );
      const error = validationError ?? memoryError;
      if (error) throw new KernelError(`${dispatch.shaderKey}: ${error.message}`);
      this.throwIfLost();

      const readback = new Uint8Array(staging.getMappedRange(0, BufferPool.roundSize(bytes))).slice(0, bytes);
      staging.unmap();
      let gpuMs: number | null = null;
      if (this.timestamps) {
        const [begin, end] = new BigInt64Array(this.timestamps.staging.getMappedRange());
        this.timestamps.staging.unmap();
        // Zero or negative spans happen when the browser quantizes or clamps timestamps.
        if (begin !== undefined && end !== undefined && end > begin) gpuMs = Number(end - begin) / 1e6;
      }
      return { readback, gpuMs };
    } catch (error) {
      if (this.isLost || (await this.settlesLost())) throw this.lostError();
      if (error instanceof KernelError) throw error;
      throw new KernelError(`${dispatch.shaderKey}: ${(error as Error).message}`);
    } finally {
      if (!this.isLost) {
        if (this.timestamps?.staging.mapState === 'mapped') this.timestamps.staging.unmap();
        for (const buffer of held) {
          if (buffer.mapState === 'mapped') buffer.unmap();
          if (buffer.mapState === 'unmapped') this.pool.release(buffer);
        }
      }
    }
  }

  /** The cached pipeline for `dispatch`, compiled once per shader key and buffer layout. */
  private pipeline(dispatch: GpuDispatch): Promise<GPUComputePipeline> {
    const signature = dispatch.buffers.map((spec) => spec.usage).join(',');
    const key = `${dispatch.shaderKey}|${dispatch.entryPoint}|${signature}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.createPipeline(dispatch, signature);
      this.pipelines.set(key, pipeline);
      // A failed compile is not cached: the error reaches this run, the next one tries again.
      pipeline.catch(() => this.pipelines.delete(key));
    }
    return pipeline;
  }

  private async createPipeline(dispatch: GpuDispatch, signature: string): Promise<GPUComputePipeline> {
    const device = this.device;
    let layout = this.layouts.get(signature);
    if (!layout) {
      layout = device.createBindGroupLayout({
        label: signature,
        entries: dispatch.buffers.map((spec, binding) => ({
          binding,
          visibility: 0x4, // GPUShaderStage.COMPUTE
          buffer: BINDING[spec.usage].layout,
        })),
      });
      this.layouts.set(signature, layout);
    }
    const module = device.createShaderModule({ label: dispatch.shaderKey, code: dispatch.code });
    try {
      return await device.createComputePipelineAsync({
        label: dispatch.shaderKey,
        layout: device.createPipelineLayout({ label: dispatch.shaderKey, bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: dispatch.entryPoint, constants: { ...dispatch.constants } },
      });
    } catch (error) {
      if (this.isLost) throw this.lostError();
      const info = await module.getCompilationInfo().catch(() => null);
      const messages = (info?.messages ?? [])
        .filter((message) => message.type === 'error')
        .map((message) => `line ${message.lineNum}: ${message.message}`);
      throw new KernelError(
        `${dispatch.shaderKey}: pipeline creation failed: ${messages.join('; ') || (error as Error).message}`,
      );
    }
  }

  private throwIfLost(): void {
    if (this.isLost) throw this.lostError();
  }

  private lostError(): DeviceLostError {
    return new DeviceLostError(
      `the GPU device was lost while the shard ran (${this.lostReason ?? 'unknown'})`,
    );
  }

  /** `work`, unless the device is lost first: then `DeviceLostError`, without waiting for `work`. */
  private raceLost<T>(work: Promise<T>): Promise<T> {
    return Promise.race([
      work,
      this.lost.then(() => {
        throw this.lostError();
      }),
    ]);
  }

  /**
   * After an error: whether the device turns out to be lost. A failed `mapAsync` can reject a
   * moment before `device.lost` resolves, and that error must read as a lost device.
   */
  private async settlesLost(): Promise<boolean> {
    await Promise.race([this.lost, new Promise((resolve) => setTimeout(resolve, 50))]);
    return this.isLost;
  }
}

/** Rejects dispatches the device cannot run before touching it, with messages a developer can act on. */
function checkDispatch(dispatch: GpuDispatch, profile: AdapterProfile): void {
  const { buffer, bytes } = dispatch.readback;
  const target = dispatch.buffers[buffer];
  if (target?.usage !== 'readwrite') {
    throw new KernelError(`${dispatch.shaderKey}: read-back buffer #${buffer} is not a readwrite buffer`);
  }
  if (bytes > target.size) {
    throw new KernelError(`${dispatch.shaderKey}: reads back ${bytes} bytes of a ${target.size}-byte buffer`);
  }
  const max = profile.limits.maxComputeWorkgroupsPerDimension;
  if (dispatch.workgroups.some((count) => !Number.isInteger(count) || count < 0 || count > max)) {
    throw new KernelError(
      `${dispatch.shaderKey}: workgroups ${dispatch.workgroups.join('×')} exceed this adapter's ${max} per dimension`,
    );
  }
  for (const [binding, spec] of dispatch.buffers.entries()) {
    const size = spec.usage === 'readwrite' ? spec.size : spec.data.length;
    if (spec.usage !== 'uniform' && size > profile.limits.maxStorageBufferBindingSize) {
      throw new KernelError(
        `${dispatch.shaderKey}: buffer #${binding} needs ${size} bytes; this adapter binds at most ${profile.limits.maxStorageBufferBindingSize}`,
      );
    }
  }
}

/** `writeBuffer` takes whole 4-byte words. */
function padTo4(data: Uint8Array): Uint8Array {
  if (data.length % 4 === 0) return data;
  const padded = new Uint8Array(BufferPool.roundSize(data.length));
  padded.set(data);
  return padded;
}
