import { describe, expect, it } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import philoxWgsl from '../../shaders/philox.wgsl';
import { mulhi32, PHILOX_CONSTANTS, philox4x32_10 } from './philox';
import { createPrng } from './prng';

/** Known-answer vectors from Random123's kat_vectors (philox4x32 10 rounds). */
const KAT: [counter: [number, number, number, number], key: [number, number], out: number[]][] = [
  [
    [0, 0, 0, 0],
    [0, 0],
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

describe('philox4x32_10', () => {
  it.each(KAT)('matches the Random123 known answer for counter %j, key %j', (counter, key, out) => {
    expect(philox4x32_10(counter, key)).toEqual(out);
  });

  it('computes the high product word exactly (against BigInt) for random and extreme u32', () => {
    const next = createPrng([1, 2, 3, 4]);
    const pairs: [number, number][] = [
      [0, 0],
      [0xffffffff, 0xffffffff],
      [0xffffffff, 1],
      [0x10000, 0x10000],
      [0xd2511f53, 0xffffffff],
    ];
    for (let i = 0; i < 2000; i++) pairs.push([next(), next()]);
    for (const [a, b] of pairs) {
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });
});

/**
 * The WGSL twin cannot run here (no GPU, and wgsl_reflect's interpreter does not wrap u32
 * products), so this pins what can be checked statically: it parses, declares the same constants,
 * and its round function has the TypeScript port's shape. The browser suite runs it for real.
 */
describe('shaders/philox.wgsl', () => {
  it("parses and declares the TypeScript port's constants and functions", () => {
    const reflect = new WgslReflect(philoxWgsl);
    expect(reflect.functions.map((f) => f.name).sort()).toEqual(['mulhi32', 'philox4x32_10']);
    for (const [name, value] of Object.entries(PHILOX_CONSTANTS)) {
      const declared = new RegExp(`const ${name}: u32 = 0x([0-9a-f]{8})u;`).exec(philoxWgsl);
      expect(Number.parseInt(declared?.[1] ?? '', 16), name).toBe(value);
    }
    expect(philoxWgsl).toMatch(/round < 10u/);
    expect(philoxWgsl).toMatch(/c = vec4<u32>\(hi1 \^ c\.y \^ k\.x, lo1, hi0 \^ c\.w \^ k\.y, lo0\);/);
  });
});
