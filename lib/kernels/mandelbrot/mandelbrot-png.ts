import { encode } from 'fast-png';

/**
 * The colour stops of the palette (position 0..1 → RGB), the classic deep-blue → white → orange
 * ramp that makes the boundary's bands readable; index 0 is reserved for black (in the set).
 */
const STOPS: readonly [number, readonly [number, number, number]][] = [
  [0, [0, 7, 100]],
  [0.16, [32, 107, 203]],
  [0.42, [237, 255, 255]],
  [0.6425, [255, 170, 0]],
  [0.8575, [0, 2, 0]],
  [1, [0, 7, 100]],
];

/** 256 RGB entries: 0 is black (points in the set), 1..255 the colour ramp. */
export function mandelbrotPalette(): number[][] {
  const palette: number[][] = [[0, 0, 0]];
  for (let i = 1; i < 256; i++) {
    const t = (i - 1) / 254;
    let k = 0;
    while (k < STOPS.length - 2 && t > STOPS[k + 1]![0]) k++;
    const [t0, c0] = STOPS[k]!;
    const [t1, c1] = STOPS[k + 1]!;
    const u = (t - t0) / (t1 - t0);
    palette.push(c0.map((value, channel) => Math.round(value + u * (c1[channel]! - value))));
  }
  return palette;
}

/**
 * The palette index of an iteration count: 0 (black) for points that never escaped (count ≥
 * maxIter), else 1..255 on a log scale, so shallow and deep views both spread over the ramp.
 */
export function mandelbrotColourIndex(count: number, maxIter: number): number {
  if (count >= maxIter) return 0;
  const t = Math.log(Math.max(1, count)) / Math.log(maxIter);
  return 1 + Math.min(254, Math.floor(t * 255));
}

/** Encodes row-major iteration counts as an 8-bit indexed PNG with `mandelbrotPalette`. */
export function mandelbrotPng(
  counts: Uint32Array,
  width: number,
  height: number,
  maxIter: number,
): Uint8Array {
  if (counts.length !== width * height) {
    throw new RangeError(`${counts.length} counts do not make a ${width}×${height} image`);
  }
  // Count → index through a lookup table for the common small counts; log only beyond it.
  const table = Uint8Array.from({ length: Math.min(maxIter + 1, 65_536) }, (_, count) =>
    mandelbrotColourIndex(count, maxIter),
  );
  const indices = new Uint8Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    indices[i] = count < table.length ? table[count]! : mandelbrotColourIndex(count, maxIter);
  }
  return encode({ width, height, data: indices, depth: 8, channels: 1, palette: mandelbrotPalette() });
}
