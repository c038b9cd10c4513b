import type { CheckVerdict } from '../kernel';
import { createPrng } from '../prng';
import {
  mandelbrotEscapeF32,
  mandelbrotPixelIsFragile,
  mandelbrotPoint,
  mandelbrotView,
} from './mandelbrot-escape';
import type { MandelbrotShardParams } from './mandelbrot-params';

/** Pixels the server recomputes per result: enough that garbage cannot slip through. */
export const MANDELBROT_CHECK_SAMPLES = 64;
/**
 * Sampled pixels that may disagree with every honest evaluation before a result is refused. Honest
 * GPUs land on one of the evaluations `mandelbrotPixelIsFragile` tries, so this is slack for
 * rounding paths we did not model. A tile wrong in 10 % of its pixels is refused with probability
 * 0.96, at 20 % with 0.9999; smaller errors are left to the quorum's pixel-by-pixel comparison.
 */
export const MANDELBROT_CHECK_MAX_OFF = 2;

function counts(result: Uint8Array): Uint32Array {
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  return Uint32Array.from({ length: result.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

/**
 * The server's check of one tile: every count must be ≤ maxIter, and up to 64 random pixels are
 * recomputed with the reference arithmetic. A disagreeing pixel is forgiven when it is fragile
 * (other honest f32/f64 evaluations disagree there too, i.e. the boundary's chaos); more than
 * `MANDELBROT_CHECK_MAX_OFF` unforgiven ones make the result invalid. Passing proves only that
 * the tile is not garbage, so the verdict is `plausible` and the quorum decides.
 */
export function checkMandelbrotTile(
  params: MandelbrotShardParams,
  result: Uint8Array,
  seed: ArrayLike<number>,
): CheckVerdict {
  const { w, h, x0, y0, maxIter } = params;
  if (result.length !== w * h * 4) {
    return {
      status: 'invalid',
      reason: `result is ${result.length} bytes; a ${w}×${h} tile needs ${w * h * 4}`,
    };
  }
  const reported = counts(result);
  const above = reported.findIndex((count) => count > maxIter);
  if (above !== -1) {
    return {
      status: 'invalid',
      reason: `pixel (${x0 + (above % w)}, ${y0 + Math.floor(above / w)}) reports ${reported[above]} iterations, above maxIter ${maxIter}`,
    };
  }
  const view = mandelbrotView(params);
  const next = createPrng(seed);
  const samples = Math.min(MANDELBROT_CHECK_SAMPLES, w * h);
  const off: string[] = [];
  for (let s = 0; s < samples; s++) {
    // With fewer pixels than samples every pixel is checked once; else random ones.
    const index = w * h <= MANDELBROT_CHECK_SAMPLES ? s : next() % (w * h);
    const px = x0 + (index % w);
    const py = y0 + Math.floor(index / w);
    const [cx, cy] = mandelbrotPoint(view, px, py);
    const expected = mandelbrotEscapeF32(cx, cy, maxIter);
    const got = reported[index]!;
    if (got === expected || mandelbrotPixelIsFragile(cx, cy, maxIter, expected)) continue;
    off.push(`(${px}, ${py}): ${got} instead of ${expected}`);
    if (off.length > MANDELBROT_CHECK_MAX_OFF) {
      return {
        status: 'invalid',
        reason: `${off.length} of ${s + 1} recomputed pixels disagree: ${off.join('; ')}`,
      };
    }
  }
  return { status: 'plausible' };
}

/**
 * Whether two results of one tile agree: at most 0.1 % of pixels may differ (GPUs round the
 * chaotic boundary differently), and always at least one, so small boundary tiles can agree too.
 */
export function mandelbrotTilesAgree(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length || a.length % 4 !== 0) return false;
  const pixels = a.length / 4;
  const allowed = Math.max(1, Math.floor(pixels / 1000));
  const x = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const y = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (x.getUint32(i, true) !== y.getUint32(i, true) && ++differing > allowed) return false;
  }
  return true;
}
