/**
 * How a kernel runs on WebGPU, described as plain data so dispatch math is unit-testable without a
 * GPU and the worker stays kernel-agnostic: the worker uploads `buffers` as `@group(0)` bindings in
 * order, runs one compute pass, reads back one buffer and hands the bytes to `finish`.
 */

/** What the worker knows about its adapter; a kernel may pick a shader variant from it. */
export interface AdapterProfile {
  vendor: string;
  architecture: string;
  /** True for software adapters (SwiftShader) and `isFallbackAdapter`. */
  fallback: boolean;
  features: readonly string[];
  limits: {
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupSizeX: number;
    maxComputeWorkgroupStorageSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupsPerDimension: number;
  };
}

/** One `@group(0) @binding(i)` buffer. */
export type GpuBufferSpec =
  /** `var<storage, read>`: uploaded once. */
  | { usage: 'read'; data: Uint8Array }
  /** `var<uniform>`: small parameters (size a multiple of 16). */
  | { usage: 'uniform'; data: Uint8Array }
  /** `var<storage, read_write>`: zero-filled unless `data` is given. */
  | { usage: 'readwrite'; size: number; data?: Uint8Array };

export interface GpuDispatch {
  /** Pipeline cache key: equal keys mean identical WGSL, entry point and overrides. */
  shaderKey: string;
  /** The WGSL source (the kernel's `wgsl`, or a variant of it chosen for the adapter). */
  code: string;
  entryPoint: string;
  buffers: GpuBufferSpec[];
  workgroups: readonly [number, number, number];
  /** Which buffer to read back after the pass, and how many bytes of it. */
  readback: { buffer: number; bytes: number };
  /** Turns the read-back bytes into the shard's result bytes (exactly what the server expects). */
  finish(readback: Uint8Array): Uint8Array;
}
