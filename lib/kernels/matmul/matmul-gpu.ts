import registerWgsl from '../../../shaders/matmul-register.wgsl';
import tiledWgsl from '../../../shaders/matmul-tiled.wgsl';
import type { AdapterProfile, GpuDispatch } from '../gpu';
import type { ShardSpec } from '../kernel';
import type { MatmulShardParams } from './matmul-params';

/** The two matmul shaders; both read the same padded layout and write the same result. */
export type MatmulVariant = 'register' | 'tiled';

/** What each variant needs from the adapter and how much of C one workgroup covers. */
export const MATMUL_VARIANTS = {
  /** shaders/matmul-register.wgsl: 4×4 of C per invocation, no workgroup memory. */
  register: {
    code: registerWgsl,
    workgroupSize: [8, 8] as const,
    /** Rows × columns of C per invocation. */
    block: [4, 4] as const,
    workgroupStorageBytes: 0,
  },
  /** shaders/matmul-tiled.wgsl: 32×32 of C per 8×8 workgroup, A and B tiles in workgroup memory. */
  tiled: {
    code: tiledWgsl,
    workgroupSize: [8, 8] as const,
    block: [4, 4] as const,
    /** Two 32×32 f32 tiles. */
    workgroupStorageBytes: 2 * 32 * 32 * 4,
  },
} as const;

/** A pattern over an adapter: every field given must match (strings case-insensitively). */
export interface AdapterMatch {
  vendor?: string;
  architecture?: string;
  fallback?: boolean;
}

/**
 * Adapters where the register-blocked variant beats the tiled one, from measurements: on
 * SwiftShader (STACK.md: 1.3–2.0 GFLOPS register-blocked vs 0.8–1.0 tiled) workgroup memory is
 * ordinary memory and barriers are context switches, so staging tiles only adds work. Software
 * adapters in general behave the same way. Add a row when a measured adapter says so.
 */
export const MATMUL_REGISTER_PREFERRED: readonly AdapterMatch[] = [
  { fallback: true },
  { architecture: 'swiftshader' },
  { vendor: 'mesa', architecture: 'llvmpipe' },
];

/** Whether `adapter` fits the pattern `match` (the rows of `MATMUL_REGISTER_PREFERRED`). */
export function adapterMatches(adapter: AdapterProfile, match: AdapterMatch): boolean {
  const same = (a: string, b: string | undefined) => b === undefined || a.toLowerCase() === b.toLowerCase();
  return (
    same(adapter.vendor, match.vendor) &&
    same(adapter.architecture, match.architecture) &&
    (match.fallback === undefined || adapter.fallback === match.fallback)
  );
}

/** Whether the adapter's limits admit a variant's workgroup shape and workgroup memory. */
function fits(adapter: AdapterProfile, variant: MatmulVariant): boolean {
  const { workgroupSize, workgroupStorageBytes } = MATMUL_VARIANTS[variant];
  const { limits } = adapter;
  return (
    workgroupSize[0] * workgroupSize[1] <= limits.maxComputeInvocationsPerWorkgroup &&
    workgroupSize[0] <= limits.maxComputeWorkgroupSizeX &&
    workgroupSize[1] <= limits.maxComputeWorkgroupSizeY &&
    workgroupStorageBytes <= limits.maxComputeWorkgroupStorageSize
  );
}

/**
 * The variant to run on `adapter`: register-blocked where `MATMUL_REGISTER_PREFERRED` says so or
 * the tiled one does not fit the limits, tiled (the usual winner on real GPUs) otherwise.
 */
export function chooseMatmulVariant(adapter: AdapterProfile): MatmulVariant {
  if (MATMUL_REGISTER_PREFERRED.some((match) => adapterMatches(adapter, match))) return 'register';
  return fits(adapter, 'tiled') ? 'tiled' : 'register';
}

const roundUp4 = (x: number) => Math.ceil(x / 4) * 4;

/**
 * Copies a row-major matrix of f32 LE bytes into a wider, taller one padded with zeros: the
 * shaders read whole vec4s, so k and cols must be multiples of 4. Returns the input itself when
 * no padding is needed (the common case: 64×64 tiles), so aligned shards copy nothing.
 */
export function padMatrix(
  bytes: Uint8Array,
  rows: number,
  cols: number,
  paddedRows: number,
  paddedCols: number,
): Uint8Array {
  if (bytes.length !== rows * cols * 4) {
    throw new RangeError(`matrix of ${rows}×${cols} f32 needs ${rows * cols * 4} bytes, got ${bytes.length}`);
  }
  if (rows === paddedRows && cols === paddedCols) return bytes;
  const out = new Uint8Array(paddedRows * paddedCols * 4);
  if (cols === paddedCols) {
    out.set(bytes);
    return out;
  }
  for (let i = 0; i < rows; i++) {
    out.set(bytes.subarray(i * cols * 4, (i + 1) * cols * 4), i * paddedCols * 4);
  }
  return out;
}

/** The uniform `Dims {rows, colVecs, kVecs, _pad}`: four u32, 16 bytes as uniforms require. */
export function matmulUniform(rows: number, colVecs: number, kVecs: number): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, rows, true);
  view.setUint32(4, colVecs, true);
  view.setUint32(8, kVecs, true);
  return bytes;
}

/** Workgroup counts [x over column vec4s, y over rows, 1] for a shard on a variant. */
export function matmulWorkgroups(
  variant: MatmulVariant,
  rows: number,
  cols: number,
): readonly [number, number, number] {
  const { workgroupSize, block } = MATMUL_VARIANTS[variant];
  const colVecs = Math.ceil(cols / 4);
  return [
    Math.ceil(colVecs / ((workgroupSize[0] * block[1]) / 4)),
    Math.ceil(rows / (workgroupSize[1] * block[0])),
    1,
  ];
}

/**
 * How a matmul shard runs on the GPU. Bindings: 0 = A (rows × k, k padded to a multiple of 4),
 * 1 = B (k × cols, both padded to multiples of 4), 2 = C (rows × padded cols), 3 = `Dims`.
 * `finish` drops C's padding columns, so the result is exactly rows×cols f32 LE.
 */
export function matmulDispatch(
  shard: ShardSpec<MatmulShardParams>,
  adapter: AdapterProfile,
  variant: MatmulVariant = chooseMatmulVariant(adapter),
): GpuDispatch {
  const { rows, cols, k } = shard.params;
  const a = shard.inputs.a;
  const b = shard.inputs.b;
  if (a === undefined || b === undefined) throw new RangeError('matmul shard needs inputs "a" and "b"');
  const paddedK = roundUp4(k);
  const paddedCols = roundUp4(cols);
  const { code, workgroupSize } = MATMUL_VARIANTS[variant];
  const outBytes = rows * paddedCols * 4;
  return {
    shaderKey: `matmul/${variant}/${workgroupSize[0]}x${workgroupSize[1]}`,
    code,
    entryPoint: 'main',
    constants: variant === 'register' ? { WORKGROUP_X: workgroupSize[0], WORKGROUP_Y: workgroupSize[1] } : {},
    buffers: [
      { usage: 'read', data: padMatrix(a, rows, k, rows, paddedK) },
      { usage: 'read', data: padMatrix(b, k, cols, paddedK, paddedCols) },
      { usage: 'readwrite', size: outBytes },
      { usage: 'uniform', data: matmulUniform(rows, paddedCols / 4, paddedK / 4) },
    ],
    workgroups: matmulWorkgroups(variant, rows, cols),
    readback: { buffer: 2, bytes: outBytes },
    finish(readback) {
      if (readback.length !== outBytes) {
        throw new RangeError(`matmul read back ${readback.length} bytes, expected ${outBytes}`);
      }
      // Always a fresh copy: the read-back array may be a view of a pooled staging buffer.
      return paddedCols === cols ? readback.slice() : unpadColumns(readback, rows, paddedCols, cols);
    },
  };
}

function unpadColumns(bytes: Uint8Array, rows: number, paddedCols: number, cols: number): Uint8Array {
  const out = new Uint8Array(rows * cols * 4);
  for (let i = 0; i < rows; i++) {
    out.set(bytes.subarray(i * paddedCols * 4, i * paddedCols * 4 + cols * 4), i * cols * 4);
  }
  return out;
}
