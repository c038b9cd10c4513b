import { describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from './f32-le';

describe('f32 little-endian codec', () => {
  it('writes IEEE 754 little-endian bytes', () => {
    expect([...f32ToLe(new Float32Array([1, -2]))]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('round-trips through an unaligned view without sharing memory', () => {
    const values = new Float32Array([0, -0, 1.5, -3.25e-20, 3.4e38, 1e-45]);
    const backing = new Uint8Array(values.length * 4 + 3);
    backing.set(f32ToLe(values), 3);
    const decoded = f32FromLe(backing.subarray(3));
    expect(decoded).toEqual(values);
    backing[3] = 0xff;
    expect(decoded[0]).toBe(0);
  });

  it('encodes only the viewed elements of a subarray', () => {
    const values = new Float32Array([1, 2, 3, 4]);
    expect(f32FromLe(f32ToLe(values.subarray(1, 3)))).toEqual(new Float32Array([2, 3]));
  });

  it('rejects a length that is not a multiple of 4', () => {
    expect(() => f32FromLe(new Uint8Array(5))).toThrow(RangeError);
  });
});
