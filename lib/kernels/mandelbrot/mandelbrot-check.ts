import type { CheckVerdict } from '../kernel';
import { cryptoU32, type U32Source, uniformIndex, uniformUnit } from '../prng';
import { LAZY_FRACTION, SAMPLED_CHECK_MISS, samplesToCatch } from '../sample-size';
import {
  mandelbrotEscapeF32,
  mandelbrotHonestCounts,
  mandelbrotPoint,
  mandelbrotView,
} from './mandelbrot-escape';
import type { MandelbrotShardParams } from './mandelbrot-params';

/**
 * Sampled pixels that may disagree with every honest evaluation before a result is refused. Honest
 * GPUs land on one of the evaluations `mandelbrotHonestCounts` tries (SwiftShader matches the
 * reference bit for bit), so this is slack for rounding paths we did not model.
 */
export const MANDELBROT_CHECK_MAX_OFF = 2;
/**
 * Uniformly drawn pixels per check: the fewest for which a tile wrong in ≥ 10 % of its pixels
 * shows more than `MANDELBROT_CHECK_MAX_OFF` wrong samples except with probability ≤ 10⁻⁴
 * (P(Binomial(134, 0.1) ≤ 2) = 9.3·10⁻⁵; 108 would meet the required 10⁻³ with no margin).
 */
export const MANDELBROT_CHECK_SAMPLES = samplesToCatch(
  LAZY_FRACTION,
  SAMPLED_CHECK_MISS,
  MANDELBROT_CHECK_MAX_OFF,
);
/**
 * Further pixels drawn with probability proportional to their reported count: where the work is.
 * Cutting iterations short (e.g. stopping at maxIter/10) leaves the truncated pixels with the
 * highest reported counts in their tile, so these find them even when they are few.
 */
export const MANDELBROT_CHECK_WEIGHTED_SAMPLES = MANDELBROT_CHECK_SAMPLES;

function counts(result: Uint8Array): Uint32Array {
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  return Uint32Array.from({ length: result.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

/**
 * The pixels (tile indexes) to recompute, drawn with replacement so the miss probability is exactly
 * binomial: every pixel once when the tile is no larger than the sample; otherwise
 * `MANDELBROT_CHECK_SAMPLES` uniform ones and `MANDELBROT_CHECK_WEIGHTED_SAMPLES` ones with
 * probability ∝ reported count.
 */
function samplePixels(reported: Uint32Array, random: U32Source): number[] {
  const pixels = reported.length;
  const total = MANDELBROT_CHECK_SAMPLES + MANDELBROT_CHECK_WEIGHTED_SAMPLES;
  if (pixels <= total) return [...reported.keys()];
  const picked = Array.from({ length: MANDELBROT_CHECK_SAMPLES }, () => uniformIndex(random, pixels));
  const cumulative = new Float64Array(pixels);
  let sum = 0;
  for (let i = 0; i < pixels; i++) {
    sum += reported[i]!;
    cumulative[i] = sum;
  }
  for (let s = 0; s < MANDELBROT_CHECK_WEIGHTED_SAMPLES; s++) {
    if (sum === 0) {
      picked.push(uniformIndex(random, pixels));
      continue;
    }
    // The first pixel whose cumulative count exceeds a uniform point of [0, sum).
    const target = uniformUnit(random) * sum;
    let lo = 0;
    let hi = pixels - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    picked.push(lo);
  }
  return picked;
}

/**
 * The server's check of one tile: every count must be ≤ maxIter, then sampled pixels (see
 * `samplePixels`; WebCrypto randomness at check time unless a test passes `random`) are recomputed
 * exactly with the reference arithmetic. A sampled count must equal the reference's f32 count or,
 * on the chaotic boundary, one of the other honest evaluations' counts (`mandelbrotHonestCounts`):
 * a count cut short is none of them. More than `MANDELBROT_CHECK_MAX_OFF` samples that match none
 * (fewer on tiny tiles checked whole) make the result invalid. Passing does not prove the unsampled pixels, so the verdict is
 * `plausible` and the quorum decides.
 *
 * Cost: at most min(268, w·h) distinct pixels (repeats are not recomputed), each one f32 escape
 * loop, plus six more where it disagrees; the check stops at the third unforgiven one. A result
 * equal to the reference costs ≤ 268 · maxIter iterations; the worst case is 268 · 7 · maxIter.
 */
export function checkMandelbrotTile(
  params: MandelbrotShardParams,
  result: Uint8Array,
  random: U32Source = cryptoU32(),
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
  const verdicts = new Map<number, string | null>();
  const off: string[] = [];
  const samples = samplePixels(reported, random);
  // A tile checked whole forgives fewer than 10 % of its pixels, so a tiny edge tile with 10 %
  // wrong is refused for certain (16 pixels: at most one forgiven).
  const allowed =
    samples.length === reported.length
      ? Math.min(MANDELBROT_CHECK_MAX_OFF, Math.ceil(LAZY_FRACTION * reported.length) - 1)
      : MANDELBROT_CHECK_MAX_OFF;
  for (const [s, index] of samples.entries()) {
    let verdict = verdicts.get(index);
    if (verdict === undefined) {
      const px = x0 + (index % w);
      const py = y0 + Math.floor(index / w);
      const [cx, cy] = mandelbrotPoint(view, px, py);
      const expected = mandelbrotEscapeF32(cx, cy, maxIter);
      const got = reported[index]!;
      verdict =
        got === expected || mandelbrotHonestCounts(cx, cy, maxIter).includes(got)
          ? null
          : `(${px}, ${py}): ${got} instead of ${expected}`;
      verdicts.set(index, verdict);
    }
    if (verdict === null) continue;
    off.push(verdict);
    if (off.length > allowed) {
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
