import { describe, expect, it } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import philoxSource from '../../../shaders/philox.wgsl';
import {
  MONTECARLO_UNIFORM_BYTES,
  montecarloDispatch,
  montecarloUniform,
  montecarloWgsl,
} from './montecarlo-gpu';
import type { MontecarloShardParams } from './montecarlo-params';
import { montecarloModel } from './montecarlo-simulate';

const params: MontecarloShardParams = {
  spot: 123.5,
  strike: 99,
  rate: -0.01,
  volatility: 0.45,
  maturity: 3,
  optionType: 'put',
  seed: '18446744069414584321', // 2^64 − 2^32 + 1: key (1, 0xffffffff)
  pathOffset: 2 ** 32 - 2 ** 20,
  pathCount: 2 ** 20 - 100,
};

describe('montecarloUniform', () => {
  it('packs the Pricing struct at the offsets the shader declares', () => {
    const reflect = new WgslReflect(montecarloWgsl);
    const pricing = reflect.uniforms[0]!;
    expect([pricing.group, pricing.binding, pricing.size]).toEqual([0, 0, 36]);
    expect(MONTECARLO_UNIFORM_BYTES % 16).toBe(0);
    expect(MONTECARLO_UNIFORM_BYTES).toBeGreaterThanOrEqual(pricing.size);
    const view = new DataView(montecarloUniform(params).buffer);
    const read = Object.fromEntries(
      pricing.members!.map((m) => [
        m.name,
        m.type.name === 'f32' ? view.getFloat32(m.offset, true) : view.getUint32(m.offset, true),
      ]),
    );
    const model = montecarloModel(params);
    expect(read).toEqual({
      spot: model.spot,
      strike: model.strike,
      drift: model.drift,
      volSqrtT: model.volSqrtT,
      isCall: 0,
      pathOffset: 2 ** 32 - 2 ** 20,
      pathCount: 2 ** 20 - 100,
      keyLo: 1,
      keyHi: 0xffffffff,
    });
    expect(
      new DataView(montecarloUniform({ ...params, optionType: 'call' }).buffer).getUint32(16, true),
    ).toBe(1);
  });
});

describe('montecarloDispatch', () => {
  it('runs one 256-invocation workgroup per chunk and reads back 8 bytes per chunk', () => {
    const dispatch = montecarloDispatch({ params, inputs: {} });
    const chunks = 4096; // ⌈(2^20 − 100) / 256⌉
    expect(dispatch.workgroups).toEqual([chunks, 1, 1]);
    expect(dispatch.buffers).toEqual([
      { usage: 'uniform', data: montecarloUniform(params) },
      { usage: 'readwrite', size: chunks * 8 },
    ]);
    expect(dispatch.readback).toEqual({ buffer: 1, bytes: chunks * 8 });
    expect(dispatch.entryPoint).toBe('main');
    const readback = Uint8Array.from({ length: chunks * 8 }, (_, i) => i % 251);
    const result = dispatch.finish(readback);
    expect(result.length === readback.length && result.every((byte, i) => byte === readback[i])).toBe(true);
    expect(() => dispatch.finish(new Uint8Array(8))).toThrow(RangeError);
    expect(montecarloDispatch({ params: { ...params, pathCount: 1 }, inputs: {} }).workgroups).toEqual([
      1, 1, 1,
    ]);
  });

  it('ships the Philox functions with the shader, which declares one 256-wide entry point', () => {
    expect(montecarloWgsl.startsWith(philoxSource)).toBe(true);
    const reflect = new WgslReflect(montecarloWgsl);
    expect(reflect.entry.compute.map((f) => [f.name, f.workgroupSize])).toEqual([['main', [256, 1, 1]]]);
    expect(reflect.storage.map((v) => [v.binding, v.access])).toEqual([[1, 'read_write']]);
  });
});
