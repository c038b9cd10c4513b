import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { mandelbrotColourIndex, mandelbrotPalette, mandelbrotPng } from './mandelbrot-png';

describe('mandelbrotPalette', () => {
  it('has 256 RGB entries, black first', () => {
    const palette = mandelbrotPalette();
    expect(palette).toHaveLength(256);
    expect(palette[0]).toEqual([0, 0, 0]);
    for (const colour of palette) {
      expect(colour).toHaveLength(3);
      for (const channel of colour)
        expect(channel >= 0 && channel <= 255 && Number.isInteger(channel)).toBe(true);
    }
    expect(palette[1]).toEqual([0, 7, 100]);
  });
});

describe('mandelbrotColourIndex', () => {
  it('maps points in the set to black and escape counts up the ramp on a log scale', () => {
    expect(mandelbrotColourIndex(1000, 1000)).toBe(0);
    expect(mandelbrotColourIndex(1, 1000)).toBe(1);
    expect(mandelbrotColourIndex(999, 1000)).toBe(255);
    let previous = 0;
    for (let count = 1; count < 1000; count++) {
      const index = mandelbrotColourIndex(count, 1000);
      expect(index).toBeGreaterThanOrEqual(Math.max(1, previous));
      previous = index;
    }
  });
});

describe('mandelbrotPng', () => {
  it('writes an indexed PNG that decodes to the right size and colours', () => {
    const counts = Uint32Array.from({ length: 7 * 3 }, (_, i) => (i === 0 ? 50 : i));
    const png = mandelbrotPng(counts, 7, 3, 50);
    const image = decode(png);
    expect([image.width, image.height, image.depth, image.channels]).toEqual([7, 3, 8, 1]);
    expect(image.palette?.[image.data[0]!]).toEqual([0, 0, 0]);
    const last = image.data[20]!;
    expect(last).toBe(mandelbrotColourIndex(20, 50));
    expect(image.palette?.[last]).toEqual(mandelbrotPalette()[last]);
  });

  it('refuses counts that do not fill the image', () => {
    expect(() => mandelbrotPng(new Uint32Array(5), 2, 3, 10)).toThrow(RangeError);
  });
});
