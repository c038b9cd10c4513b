import { describe, expect, it } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import montecarloSource from '../../../shaders/montecarlo.wgsl';
import { philox4x32_10 } from '../philox';
import { createPrng } from '../prng';
import {
  cos2piF32,
  f32FromBits,
  lnF32,
  MONTECARLO_F32_CONSTANTS,
  MONTECARLO_MAX_ABS_NORMAL,
  normalFromWords,
  unitOpen,
} from './montecarlo-normal';

describe('unitOpen', () => {
  it('maps every word into (0, 1) exactly in float32, never 0 or 1', () => {
    expect(unitOpen(0)).toBe(2 ** -24);
    expect(unitOpen(0xffffffff)).toBe(1 - 2 ** -24);
    expect(unitOpen(0x80000000)).toBe(0.5 + 2 ** -24);
    const next = createPrng([1, 2, 3, 4]);
    for (let i = 0; i < 1000; i++) {
      const word = next();
      expect(unitOpen(word)).toBe(((word >>> 9) * 2 + 1) / 2 ** 24);
    }
  });
});

describe('lnF32 and cos2piF32', () => {
  it('are accurate to float32 rounding against Math.log and Math.cos', () => {
    const next = createPrng([4, 3, 2, 1]);
    let worstLn = 0;
    let worstCos = 0;
    const words = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0x3504f300];
    for (let i = 0; i < 20_000; i++) words.push(next());
    for (const word of words) {
      const u = unitOpen(word);
      worstLn = Math.max(worstLn, Math.abs(lnF32(u) - Math.log(u)) / Math.max(1, Math.abs(Math.log(u))));
      worstCos = Math.max(worstCos, Math.abs(cos2piF32(u) - Math.cos(2 * Math.PI * u)));
    }
    expect(worstLn).toBeLessThan(5e-7);
    expect(worstCos).toBeLessThan(3e-7);
  });

  it('hit the exact quadrant values', () => {
    expect(cos2piF32(0.25)).toBeCloseTo(0, 7);
    expect(cos2piF32(0.5)).toBe(-1);
    expect(cos2piF32(0.75)).toBeCloseTo(0, 7);
    expect(lnF32(0.5)).toBe(Math.fround(-Math.LN2));
  });
});

describe('normalFromWords', () => {
  it('draws standard normals from Philox: mean 0, variance 1, kurtosis 3', () => {
    const n = 2 ** 16;
    let sum = 0;
    let squares = 0;
    let fourth = 0;
    let beyond196 = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const [w0, w1] = philox4x32_10([i, 0, 0, 0], [123, 0]);
      const z = normalFromWords(w0, w1);
      largest = Math.max(largest, Math.abs(z));
      sum += z;
      squares += z * z;
      fourth += z ** 4;
      if (Math.abs(z) > 1.959963984540054) beyond196++;
    }
    expect(largest).toBeLessThanOrEqual(MONTECARLO_MAX_ABS_NORMAL);
    // Five standard errors: a broken transform misses these by far more.
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(fourth / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
  });

  it('reaches its largest |Z| at the smallest uniform', () => {
    expect(Math.abs(normalFromWords(0, 0))).toBeCloseTo(Math.sqrt(48 * Math.LN2), 5);
  });
});

describe('shaders/montecarlo.wgsl constants', () => {
  it('pins the same float32 bit patterns as the reference', () => {
    const declared = (name: string) => {
      const match = new RegExp(`const ${name}: f32 = bitcast<f32>\\(0x([0-9a-f]{8})u\\);`).exec(
        montecarloSource,
      );
      return Number.parseInt(match?.[1] ?? 'NaN', 16);
    };
    const { COS, SIN, LN, LN2, SQRT2 } = MONTECARLO_F32_CONSTANTS;
    expect(COS.map((_, k) => declared(`COS${k + 1}`))).toEqual(COS);
    expect(SIN.map((_, k) => declared(`SIN${k}`))).toEqual(SIN);
    expect(LN.map((_, k) => declared(k === 2 ? 'LN2C' : `LN${k}`))).toEqual(LN);
    expect(declared('LN2')).toBe(LN2);
    expect(declared('SQRT2')).toBe(SQRT2);
    expect(f32FromBits(SQRT2)).toBe(Math.fround(Math.SQRT2));
  });

  it('declares the helpers the reference mirrors', () => {
    const names = new WgslReflect(montecarloSource.replace(/philox4x32_10\(/g, 'vec4<u32>(')).functions.map(
      (f) => f.name,
    );
    expect(names).toEqual(expect.arrayContaining(['unit_open', 'ln_f32', 'cos2pi_f32', 'main']));
  });
});
