import { describe, expect, it } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { mandelbrotView } from './mandelbrot-escape';
import {
  MANDELBROT_UNIFORM_BYTES,
  MANDELBROT_WORKGROUP,
  mandelbrotDispatch,
  mandelbrotUniform,
  mandelbrotWgsl,
} from './mandelbrot-gpu';
import type { MandelbrotShardParams } from './mandelbrot-params';

const params: MandelbrotShardParams = {
  width: 1000,
  height: 700,
  centerX: -0.7,
  centerY: 0.2,
  scale: 2.5,
  maxIter: 5000,
  x0: 960,
  y0: 640,
  w: 40,
  h: 60,
  estimatedIterations: 40 * 60 * 10,
};

describe('mandelbrotUniform', () => {
  it('packs the Tile struct at the offsets the shader declares', () => {
    const reflect = new WgslReflect(mandelbrotWgsl);
    const tile = reflect.uniforms[0]!;
    expect([tile.group, tile.binding, tile.size]).toEqual([0, 0, MANDELBROT_UNIFORM_BYTES]);
    const offsets = Object.fromEntries(tile.members!.map((m) => [m.name, [m.offset, m.type.name]]));
    const bytes = mandelbrotUniform(params);
    const view = new DataView(bytes.buffer);
    const read = (name: string) => {
      const [offset, type] = offsets[name] as [number, string];
      return type === 'f32' ? view.getFloat32(offset, true) : view.getUint32(offset, true);
    };
    const { left, top, step } = mandelbrotView(params);
    expect([read('left'), read('top'), read('step')]).toEqual([left, top, step]);
    expect([read('maxIter'), read('x0'), read('y0'), read('w'), read('h')]).toEqual([5000, 960, 640, 40, 60]);
  });
});

describe('mandelbrotDispatch', () => {
  it('runs one invocation per pixel in 8 × 8 workgroups and reads back w·h u32', () => {
    const dispatch = mandelbrotDispatch({ params, inputs: {} });
    expect(dispatch.entryPoint).toBe('main');
    expect(dispatch.code).toBe(mandelbrotWgsl);
    expect(dispatch.workgroups).toEqual([5, 8, 1]);
    expect(dispatch.buffers).toEqual([
      { usage: 'uniform', data: mandelbrotUniform(params) },
      { usage: 'readwrite', size: 40 * 60 * 4 },
    ]);
    expect(dispatch.readback).toEqual({ buffer: 1, bytes: 40 * 60 * 4 });
    const bytes = Uint8Array.from({ length: 40 * 60 * 4 }, (_, i) => i);
    expect(dispatch.finish(bytes)).toEqual(bytes);
    expect(() => dispatch.finish(bytes.subarray(4))).toThrow(RangeError);
  });

  it.each([
    [1, 1, [1, 1, 1]],
    [8, 8, [1, 1, 1]],
    [9, 17, [2, 3, 1]],
    [1024, 1024, [128, 128, 1]],
  ])('covers a %i × %i tile with workgroups %j', (w, h, workgroups) => {
    const dispatch = mandelbrotDispatch({ params: { ...params, x0: 0, y0: 0, w, h }, inputs: {} });
    expect(dispatch.workgroups).toEqual(workgroups);
    expect(dispatch.workgroups[0] * MANDELBROT_WORKGROUP[0]).toBeGreaterThanOrEqual(w);
    expect(dispatch.workgroups[1] * MANDELBROT_WORKGROUP[1]).toBeGreaterThanOrEqual(h);
  });

  it('matches the shader: bindings, entry point and workgroup size', () => {
    const reflect = new WgslReflect(mandelbrotWgsl);
    expect(reflect.entry.compute.map((f) => [f.name, f.workgroupSize])).toEqual([['main', [8, 8, 1]]]);
    expect(reflect.storage.map((v) => [v.binding, v.access])).toEqual([[1, 'read_write']]);
  });
});
