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
    maxComputeWorkgroupSizeY: number;
    maxComputeWorkgroupStorageSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupsPerDimension: number;
  };
}

/** One `@group(0) @binding(i)` buffer; its binding type follows from `usage`. */
export type GpuBufferSpec =
  /** `var<storage, read>`: uploaded once. Sizes are padded to 4 bytes by the worker. */
  | { usage: 'read'; data: Uint8Array }
  /** `var<uniform>`: small parameters (size a multiple of 16). */
  | { usage: 'uniform'; data: Uint8Array }
  /** `var<storage, read_write>`: zero-filled unless `data` is given. */
  | { usage: 'readwrite'; size: number; data?: Uint8Array };

export interface GpuDispatch {
  /**
   * Pipeline cache key: equal keys mean identical WGSL, entry point and constants. Also the
   * pipeline's label, so it should say what it is (`matmul/register/8x8`).
   */
  shaderKey: string;
  /** The WGSL source (the kernel's `wgsl`, or a variant of it chosen for the adapter). */
  code: string;
  entryPoint: string;
  /** Values for the shader's `override` constants (e.g. the workgroup size the descriptor owns). */
  constants?: Readonly<Record<string, number>>;
  buffers: GpuBufferSpec[];
  workgroups: readonly [number, number, number];
  /** Which buffer to read back after the pass, and how many bytes of it (from offset 0). */
  readback: { buffer: number; bytes: number };
  /**
   * Turns the read-back bytes into the shard's result bytes (exactly what the server expects).
   * Throws when the read-back shows the result cannot be right (e.g. more hits than allowed).
   */
  finish(readback: Uint8Array): Uint8Array;
}
