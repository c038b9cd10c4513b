/**
 * Standard normal variates from Philox words, in float32 exactly as shaders/montecarlo.wgsl
 * computes them (Math.fround after every operation, the shader's order).
 *
 * The logarithm and cosine of Box–Muller are our own polynomials built from +, ×, ÷ and bit
 * operations, not WGSL's `log`/`cos`: WGSL only promises `cos` to an absolute 2⁻¹¹ and `log` to
 * 2⁻²¹ absolute near 1, so two honest GPUs could disagree on a path by far more than rounding.
 * With these, honest results differ only by a few ulps (fused multiply-adds, `exp`, division).
 */

const f = Math.fround;

/** The float32 whose bit pattern is `bits` (constants are pinned by bits, as in the WGSL). */
export function f32FromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0]!;
}

function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0]!;
}

/** cos(πx/2) = Σ (−1)^k (π/2)^{2k} x^{2k} / (2k)!, k = 1..5 (k = 0 is 1); error < 2·10⁻¹⁰ on |x| ≤ ½. */
const COS = [0xbf9de9e6, 0x3e81e0f8, 0xbcaae9e4, 0x3a70fa83, 0xb7d368f9].map(f32FromBits);
/** sin(πx/2) = x·Σ (−1)^k (π/2)^{2k+1} x^{2k} / (2k+1)!, k = 0..4; error < 2·10⁻⁹ on |x| ≤ ½. */
const SIN = [0x3fc90fdb, 0xbf255de7, 0x3da335e3, 0xbb996966, 0x39283c1a].map(f32FromBits);
/** ln m = s·Σ 2s^{2k}/(2k+1), s = (m−1)/(m+1), k = 0..5; error < 2·10⁻¹¹ for m in [√½, √2]. */
const LN = [0x40000000, 0x3f2aaaab, 0x3ecccccd, 0x3e924925, 0x3e638e39, 0x3e3a2e8c].map(f32FromBits);
const LN2 = f32FromBits(0x3f317218);
const SQRT2 = f32FromBits(0x3fb504f3);

/** The f32 bit patterns above, for the test that pins the WGSL to the same constants. */
export const MONTECARLO_F32_CONSTANTS = {
  COS: [0xbf9de9e6, 0x3e81e0f8, 0xbcaae9e4, 0x3a70fa83, 0xb7d368f9],
  SIN: [0x3fc90fdb, 0xbf255de7, 0x3da335e3, 0xbb996966, 0x39283c1a],
  LN: [0x40000000, 0x3f2aaaab, 0x3ecccccd, 0x3e924925, 0x3e638e39, 0x3e3a2e8c],
  LN2: 0x3f317218,
  SQRT2: 0x3fb504f3,
} as const;

/**
 * A uniform in the open interval (0, 1) from the top 23 bits of a Philox word: (2k + 1)·2⁻²⁴ with
 * k = word >> 9, exact in float32, never 0 (so the logarithm is finite) nor 1.
 */
export function unitOpen(word: number): number {
  return f(f((word >>> 9) * 2 ** -23) + 2 ** -24);
}

/** ln(u) for a normal positive float32: exponent from the bits, mantissa by the series. */
export function lnF32(u: number): number {
  const bits = f32Bits(u);
  let e = (bits >>> 23) - 127;
  let m = f32FromBits((bits & 0x007fffff) | 0x3f800000);
  if (m > SQRT2) {
    m = f(m * 0.5);
    e += 1;
  }
  const g = f(m - 1);
  const s = f(g / f(2 + g));
  const s2 = f(s * s);
  let p = LN[5]!;
  for (let k = 4; k >= 0; k--) p = f(f(p * s2) + LN[k]!);
  return f(f(e * LN2) + f(s * p));
}

/**
 * cos(2πu) for u in [0, 1): u·4 is split exactly into a quadrant q and x in [−½, ½], and
 * cos(2πu) = cos(qπ/2 + xπ/2) is ±cos or ±sin of the small angle.
 */
export function cos2piF32(u: number): number {
  const t = f(4 * u);
  const q = Math.floor(f(t + 0.5));
  const x = f(t - q);
  const x2 = f(x * x);
  let c = COS[4]!;
  for (let k = 3; k >= 0; k--) c = f(f(c * x2) + COS[k]!);
  c = f(f(c * x2) + 1);
  let s = SIN[4]!;
  for (let k = 3; k >= 0; k--) s = f(f(s * x2) + SIN[k]!);
  s = f(x * s);
  switch (q & 3) {
    case 0:
      return c;
    case 1:
      return -s;
    case 2:
      return -c;
    default:
      return s;
  }
}

/** Box–Muller: √(−2 ln u₀)·cos(2πu₁) from two Philox words, a standard normal in float32. */
export function normalFromWords(word0: number, word1: number): number {
  const radius = f(Math.sqrt(f(-2 * lnF32(unitOpen(word0)))));
  return f(radius * cos2piF32(unitOpen(word1)));
}

/** The largest |Z| `normalFromWords` can return: u₀ ≥ 2⁻²⁴ bounds the radius by √(48 ln 2). */
export const MONTECARLO_MAX_ABS_NORMAL = Math.sqrt(48 * Math.LN2) * (1 + 1e-6);
