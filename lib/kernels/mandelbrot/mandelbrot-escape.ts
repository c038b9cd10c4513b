import type { MandelbrotShardParams } from './mandelbrot-params';

/**
 * The Mandelbrot arithmetic, in float32 exactly as shaders/mandelbrot.wgsl does it (every
 * operation rounded with Math.fround, in the shader's order), plus the variants the verifier uses
 * to tell a wrong count from a chaotic pixel.
 */

const f = Math.fround;

/** Where pixel (0, 0)'s centre lies and how far apart pixels are, as the f32 values the GPU gets. */
export interface MandelbrotView {
  left: number;
  top: number;
  step: number;
}

/**
 * The f32 view of an image: square pixels `step` = scale / width apart, centred on (centerX,
 * centerY), row 0 at the top (imaginary part decreasing downwards). Computed in f64 and rounded
 * once, so the reference and every GPU start from identical coordinates.
 */
export function mandelbrotView(
  params: Pick<MandelbrotShardParams, 'width' | 'height' | 'centerX' | 'centerY' | 'scale'>,
): MandelbrotView {
  const step = f(params.scale / params.width);
  return {
    left: f(params.centerX + (0.5 - params.width / 2) * step),
    top: f(params.centerY + (params.height / 2 - 0.5) * step),
    step,
  };
}

/** The point c of pixel (px, py) of the whole image: left + px·step, top − py·step in f32. */
export function mandelbrotPoint(view: MandelbrotView, px: number, py: number): [cx: number, cy: number] {
  return [f(view.left + f(px * view.step)), f(view.top - f(py * view.step))];
}

/**
 * Iterations before z ↦ z² + c (from z = 0) leaves |z| ≤ 2, capped at maxIter, in f32: the count
 * is the first i with |z_i|² > 4, so points in the set give maxIter and c = 2 + 2i gives 1.
 * Mirrors shaders/mandelbrot.wgsl line for line.
 */
export function mandelbrotEscapeF32(cx: number, cy: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  let i = 0;
  while (i < maxIter) {
    const x2 = f(x * x);
    const y2 = f(y * y);
    if (f(x2 + y2) > 4) break;
    const xy = f(x * y);
    y = f(f(xy + xy) + cy);
    x = f(f(x2 - y2) + cx);
    i++;
  }
  return i;
}

/**
 * The same iteration as a GPU compiler that contracts a·b + c into fused multiply-adds computes it
 * (WGSL permits that): a second honest f32 answer. The f64 product of two f32 is exact, so
 * rounding a·b + c once emulates the fused operation.
 */
export function mandelbrotEscapeF32Fused(cx: number, cy: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  let i = 0;
  while (i < maxIter) {
    const y2 = f(y * y);
    if (f(x * x + y2) > 4) break;
    const xy = f(x * y);
    const x2MinusY2 = f(x * x - y2);
    y = f(f(x * y + xy) + cy);
    x = f(x2MinusY2 + cx);
    i++;
  }
  return i;
}

/** The same count in float64: where it and f32 disagree, the pixel depends on rounding. */
export function mandelbrotEscapeF64(cx: number, cy: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  let i = 0;
  while (i < maxIter) {
    const x2 = x * x;
    const y2 = y * y;
    if (x2 + y2 > 4) break;
    y = 2 * x * y + cy;
    x = x2 - y2 + cx;
    i++;
  }
  return i;
}

/** The float32 neighbours of x: one ulp down and one ulp up. */
export function f32Neighbours(x: number): [below: number, above: number] {
  const bits = new Float32Array([f(x)]);
  const word = new Uint32Array(bits.buffer);
  const at = (delta: number) => {
    // Stepping the bit pattern moves by one ulp; the sign-magnitude layout needs care around zero.
    const value = bits[0]!;
    if (value === 0) return delta > 0 ? 2 ** -149 : -(2 ** -149);
    const copy = new Uint32Array([word[0]! + (value > 0 ? delta : -delta)]);
    return new Float32Array(copy.buffer)[0]!;
  };
  return [at(-1), at(1)];
}

/**
 * The counts other honest evaluations of pixel c give — fused multiply-adds, f64, and c one ulp off
 * in either coordinate (a GPU may fuse left + px·step too) — beside the reference's f32 count.
 * Where they differ the pixel sits on the chaotic boundary of the set and any of them is honest.
 */
export function mandelbrotHonestCounts(cx: number, cy: number, maxIter: number): number[] {
  const counts = [mandelbrotEscapeF32Fused(cx, cy, maxIter), mandelbrotEscapeF64(cx, cy, maxIter)];
  for (const x of f32Neighbours(cx)) counts.push(mandelbrotEscapeF32(x, cy, maxIter));
  for (const y of f32Neighbours(cy)) counts.push(mandelbrotEscapeF32(cx, y, maxIter));
  return counts;
}

/** Whether pixel c's f32 count is fragile: some other honest evaluation gives a different count. */
export function mandelbrotPixelIsFragile(cx: number, cy: number, maxIter: number, count: number): boolean {
  return mandelbrotHonestCounts(cx, cy, maxIter).some((other) => other !== count);
}
