import { describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from '../f32-le';
import type { AdapterProfile, GpuDispatch } from '../gpu';
import { matmul } from './matmul';
import {
  chooseMatmulVariant,
  MATMUL_VARIANTS,
  type MatmulVariant,
  matmulDispatch,
  matmulUniform,
  matmulWorkgroups,
  padMatrix,
} from './matmul-gpu';
import type { MatmulShardParams } from './matmul-params';

const swiftshader: AdapterProfile = {
  vendor: 'google',
  architecture: 'swiftshader',
  fallback: true,
  features: ['timestamp-query', 'subgroups'],
  limits: {
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupStorageSize: 32768,
    maxStorageBufferBindingSize: 2 ** 30,
    maxComputeWorkgroupsPerDimension: 65535,
  },
};
const discrete: AdapterProfile = {
  ...swiftshader,
  vendor: 'nvidia',
  architecture: 'ampere',
  fallback: false,
};

function shard(rows: number, cols: number, k: number, seed = 1) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const a = Float32Array.from({ length: rows * k }, random);
  const b = Float32Array.from({ length: k * cols }, random);
  const params: MatmulShardParams = { m: rows, n: cols, k, row0: 0, rows, col0: 0, cols };
  return { params, inputs: { a: f32ToLe(a), b: f32ToLe(b) } };
}

function u32s(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

/**
 * Runs a matmul dispatch on the CPU the way the WGSL does: every invocation of the dispatched grid
 * computes its 4×4 block from the padded buffers and the uniform, with the same bounds checks.
 * Also counts writes per element of C, so dispatch math that misses or repeats a block fails.
 */
function emulate(dispatch: GpuDispatch, variant: MatmulVariant): { c: Uint8Array; writes: Uint8Array } {
  const [aSpec, bSpec, cSpec, dimsSpec] = dispatch.buffers;
  if (aSpec?.usage !== 'read' || bSpec?.usage !== 'read' || cSpec?.usage !== 'readwrite')
    throw new Error('layout');
  if (dimsSpec?.usage !== 'uniform') throw new Error('layout');
  const [rows, colVecs, kVecs] = u32s(dimsSpec.data) as [number, number, number];
  const a = f32FromLe(aSpec.data);
  const b = f32FromLe(bSpec.data);
  const c = new Float32Array(cSpec.size / 4);
  const writes = new Uint8Array(c.length);
  const [wx, wy] = MATMUL_VARIANTS[variant].workgroupSize;
  const [gx, gy] = dispatch.workgroups;
  for (let y = 0; y < gy * wy; y++) {
    for (let x = 0; x < gx * wx; x++) {
      // Both variants map invocation (x, y) to column vec4 x and rows 4y..4y+3 of C.
      const col = x;
      const row = 4 * y;
      if (col >= colVecs || row >= rows) continue;
      for (let i = 0; i < 4 && row + i < rows; i++) {
        for (let q = 0; q < 4; q++) {
          let sum = 0;
          for (let l = 0; l < 4 * kVecs; l++)
            sum += a[(row + i) * 4 * kVecs + l]! * b[l * 4 * colVecs + 4 * col + q]!;
          const index = (row + i) * 4 * colVecs + 4 * col + q;
          c[index] = sum;
          writes[index] = writes[index]! + 1;
        }
      }
    }
  }
  return { c: f32ToLe(c), writes };
}

describe('chooseMatmulVariant', () => {
  it('picks register-blocked on SwiftShader and other software adapters', () => {
    expect(chooseMatmulVariant(swiftshader)).toBe('register');
    expect(chooseMatmulVariant({ ...discrete, fallback: true })).toBe('register');
    expect(chooseMatmulVariant({ ...discrete, architecture: 'SwiftShader' })).toBe('register');
    expect(chooseMatmulVariant({ ...discrete, vendor: 'mesa', architecture: 'llvmpipe' })).toBe('register');
  });

  it('picks the shared-memory tiled kernel on real GPUs', () => {
    expect(chooseMatmulVariant(discrete)).toBe('tiled');
    expect(chooseMatmulVariant({ ...discrete, vendor: 'apple', architecture: 'metal-3' })).toBe('tiled');
  });

  it('falls back to register-blocked when the tiled kernel does not fit the limits', () => {
    const small = (limit: Partial<AdapterProfile['limits']>) => ({
      ...discrete,
      limits: { ...discrete.limits, ...limit },
    });
    expect(chooseMatmulVariant(small({ maxComputeWorkgroupStorageSize: 4096 }))).toBe('register');
    expect(chooseMatmulVariant(small({ maxComputeInvocationsPerWorkgroup: 32 }))).toBe('register');
    expect(chooseMatmulVariant(small({ maxComputeWorkgroupSizeY: 4 }))).toBe('register');
    expect(chooseMatmulVariant(small({ maxComputeWorkgroupStorageSize: 8192 }))).toBe('tiled');
  });

  it('is what matmul.dispatch runs, named in the shader key', () => {
    const spec = shard(8, 8, 8);
    expect(matmul.dispatch!(spec, swiftshader).shaderKey).toBe('matmul/register/8x8');
    expect(matmul.dispatch!(spec, discrete).shaderKey).toBe('matmul/tiled/8x8');
    expect(matmul.dispatch!(spec, discrete).code).toBe(MATMUL_VARIANTS.tiled.code);
  });
});

describe('matmul dispatch math', () => {
  it('packs the Dims uniform as four little-endian u32 in 16 bytes', () => {
    const bytes = matmulUniform(33, 17, 5);
    expect(bytes.length).toBe(16);
    expect(u32s(bytes)).toEqual([33, 17, 5, 0]);
  });

  it('covers C with 32×32 tiles of workgroups', () => {
    expect(matmulWorkgroups('register', 1, 1)).toEqual([1, 1, 1]);
    expect(matmulWorkgroups('register', 64, 64)).toEqual([2, 2, 1]);
    expect(matmulWorkgroups('register', 33, 65)).toEqual([3, 2, 1]);
    expect(matmulWorkgroups('tiled', 1024, 1000)).toEqual([32, 32, 1]);
  });

  it('pads k and cols to multiples of 4 and sizes every buffer from the shard', () => {
    const dispatch = matmulDispatch(shard(7, 13, 5), swiftshader);
    const [a, b, c, dims] = dispatch.buffers;
    expect(a).toMatchObject({ usage: 'read' });
    expect(a?.usage === 'read' && a.data.length).toBe(7 * 8 * 4);
    expect(b?.usage === 'read' && b.data.length).toBe(8 * 16 * 4);
    expect(c).toEqual({ usage: 'readwrite', size: 7 * 16 * 4 });
    expect(dims?.usage === 'uniform' && u32s(dims.data)).toEqual([7, 4, 2, 0]);
    expect(dispatch.readback).toEqual({ buffer: 2, bytes: 7 * 16 * 4 });
    expect(dispatch.constants).toEqual({ WORKGROUP_X: 8, WORKGROUP_Y: 8 });
  });

  it('passes aligned inputs through without copying', () => {
    const spec = shard(64, 64, 64);
    const [a, b] = matmulDispatch(spec, swiftshader).buffers;
    expect(a?.usage === 'read' && a.data).toBe(spec.inputs.a);
    expect(b?.usage === 'read' && b.data).toBe(spec.inputs.b);
  });

  it('rejects inputs whose size does not match the params', () => {
    const spec = shard(4, 4, 4);
    expect(() =>
      matmulDispatch({ ...spec, inputs: { ...spec.inputs, b: new Uint8Array(60) } }, swiftshader),
    ).toThrow(RangeError);
    expect(() => matmulDispatch({ params: spec.params, inputs: { a: spec.inputs.a } }, swiftshader)).toThrow(
      RangeError,
    );
  });

  it('padMatrix zero-fills the new columns and rows', () => {
    const bytes = f32ToLe(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(Array.from(f32FromLe(padMatrix(bytes, 2, 3, 3, 4)))).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
    expect(Array.from(f32FromLe(padMatrix(bytes, 3, 2, 4, 2)))).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
  });

  for (const variant of ['register', 'tiled'] as const) {
    for (const [rows, cols, k] of [
      [1, 1, 1],
      [7, 13, 5],
      [33, 65, 17],
      [64, 64, 64],
      [5, 3, 130],
    ] as const) {
      it(`${variant}: the dispatched grid writes each element of C once and finish returns rows×cols (${rows}×${cols}×${k})`, () => {
        const spec = shard(rows, cols, k, rows * 1000 + cols);
        const dispatch = matmulDispatch(spec, swiftshader, variant);
        const { c, writes } = emulate(dispatch, variant);
        const colVecs = Math.ceil(cols / 4);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < 4 * colVecs; j++) expect(writes[i * 4 * colVecs + j]).toBe(1);
        }
        const result = dispatch.finish(c);
        expect(result.length).toBe(rows * cols * 4);
        expect(matmul.verify.compare(spec, result, matmul.reference(spec))).toBe(true);
        expect(matmul.verify.check(spec, result)).toEqual({ status: 'valid' });
      });
    }
  }

  it('finish refuses a read-back of the wrong size and returns a fresh copy', () => {
    const dispatch = matmulDispatch(shard(4, 4, 4), swiftshader);
    expect(() => dispatch.finish(new Uint8Array(60))).toThrow(RangeError);
    const readback = new Uint8Array(64).fill(7);
    const result = dispatch.finish(readback);
    expect(result).toEqual(readback);
    expect(result.buffer).not.toBe(readback.buffer);
  });
});
