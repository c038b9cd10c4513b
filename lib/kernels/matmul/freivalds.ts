import { f32DotErrorFactor, f32FlushSlack } from '../f32-error';
import type { CheckVerdict } from '../kernel';
import { cryptoU32, type U32Source, uniformUnit } from '../prng';
import type { MatmulBlock } from './matmul-block';
import { rowNorms } from './matrix-norms';

/**
 * Random vectors per check. With continuous vectors a row whose deviation from the exact product
 * is e passes one vector with probability ≤ 2τ/‖e‖_∞ (τ its tolerance, see `freivaldsCheck`), so
 * all four with ≤ (2τ/‖e‖_∞)⁴: an error of 4τ anywhere in a row escapes with ≤ 1/16, one of 200τ
 * with ≤ 10⁻⁸, and compensating errors (+x and −x in one row) get no discount, unlike ±1 vectors,
 * where they cancel for half of all vectors. The cost is four O(rows·k + k·cols) matrix-vector
 * passes, the same order as reading the inputs.
 */
const FREIVALDS_VECTORS = 4;

/**
 * Hoeffding multiplier. For a vector r with independent, symmetric entries in [−1, 1] chosen after
 * the result exists, row i's residual Σⱼ rⱼ·eᵢⱼ of an honest result (|eᵢⱼ| ≤ γ_k·(|A||B|)ᵢⱼ)
 * exceeds λ·√(Σⱼ (γ_k·(|A||B|)ᵢⱼ)²) with probability ≤ 2·exp(−λ²/2) ≈ 3·10⁻⁸, and only if every
 * element hits its worst case at once, which honest rounding does not do; real false rejections
 * are far rarer.
 */
const LAMBDA = 6;

const F64_UNIT_ROUNDOFF = 2 ** -53;

export interface FreivaldsOptions {
  /** Where the vectors come from: WebCrypto by default (fresh and unpredictable per check); tests seed it. */
  random?: U32Source;
  vectors?: number;
}

/**
 * One entry of a Freivalds vector: uniform on [−1, −½] ∪ [½, 1] (density 1), from 53 random bits.
 * Bounded by 1, so the honest-rounding tolerance is the same as for ±1 vectors; continuous, so no
 * error pattern can cancel for a fixed fraction of vectors; at least ½ in size, so a lone wrong
 * element counts at least half its size in every draw.
 */
export function freivaldsEntry(random: U32Source): number {
  const u = uniformUnit(random);
  return u < 0.5 ? -(0.5 + u) : u;
}

/**
 * Row i's acceptance threshold on |C·r − A·(B·r)|ᵢ: λ·γ_k·‖Aᵢ‖₂·‖B‖_F for f32 rounding, plus slack
 * for subnormal flushing and the check's own f64 rounding (see `freivaldsCheck`).
 */
export function freivaldsTolerances(block: MatmulBlock, c: Float32Array): Float64Array {
  const { rows, cols, k, a, b } = block;
  const rowNormA = rowNorms(a, rows, k);
  let sumSquaresB = 0;
  for (const value of b) sumSquaresB += value * value;
  const normB = Math.sqrt(sumSquaresB);
  const f64Error = (k + cols + 2) * F64_UNIT_ROUNDOFF;
  const tolerance = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let absRowSumC = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) absRowSumC += Math.abs(c[j]!);
    const scale = rowNormA[i]! * normB;
    tolerance[i] =
      LAMBDA * f32DotErrorFactor(k) * scale +
      cols * f32FlushSlack(k) +
      f64Error * (Math.sqrt(cols) * scale + absRowSumC);
  }
  return tolerance;
}

/**
 * Checks C = A·B for one shard in O(rows·k + k·cols + rows·cols) instead of recomputing it: for
 * fresh random vectors r with continuous entries (`freivaldsEntry`), compares A·(B·r) with C·r in
 * f64, row by row.
 *
 * Tolerance τᵢ for row i (`freivaldsTolerances`): λ·γ_k·‖Aᵢ‖₂·‖B‖_F. By Cauchy–Schwarz,
 * Σⱼ (|A||B|)ᵢⱼ² ≤ ‖Aᵢ‖₂²·‖B‖_F², so this is the Hoeffding bound above made computable without the
 * full product (for dense data it overestimates by only ~4/3). It depends on absolute values only,
 * so it scales with the data and stays valid under cancellation. Small slack terms cover subnormal
 * flushing on GPUs and the f64 rounding of the check itself.
 *
 * False accepts: let eᵢ = Cᵢ − (AB)ᵢ (exact), fixed before r is drawn. Each rⱼ has density ≤ 1, so
 * eᵢⱼ·rⱼ has density ≤ 1/|eᵢⱼ| and so has the sum Σⱼ eᵢⱼ·rⱼ (convolving never raises the peak);
 * a row passes when that sum lies within ±(τᵢ + δ), δ the check's own f64 rounding (orders below
 * τᵢ), which has probability ≤ 2(τᵢ + δ)/‖eᵢ‖_∞ ≈ 2τᵢ/‖eᵢ‖_∞ whatever the other elements
 * (compensating errors included). Independent vectors multiply: ≤ (2τᵢ/‖eᵢ‖_∞)^vectors. For entries uniform in
 * [−1, 1] with k = 256 and 64 columns, τ ≈ 0.06 absolute (≈ 1 % of a typical |Cᵢⱼ|): an error of
 * 0.24 escapes four vectors with ≤ 1/16, one of 12 with ≤ 10⁻⁸, ±1000 with ≈ 2·10⁻¹⁶. Smaller errors
 * are indistinguishable from legitimate f32 rounding in the worst case.
 */
export function freivaldsCheck(
  block: MatmulBlock,
  c: Float32Array,
  options: FreivaldsOptions = {},
): CheckVerdict {
  const { rows, cols, k, a, b } = block;
  if (c.length !== rows * cols) {
    return { status: 'invalid', reason: `result has ${c.length} values; ${rows}×${cols} expected` };
  }
  for (let i = 0; i < c.length; i++) {
    if (!Number.isFinite(c[i]!)) {
      return {
        status: 'invalid',
        reason: `element [${Math.floor(i / cols)}, ${i % cols}] of the block is ${c[i]}; inputs are finite and bounded, so C must be`,
      };
    }
  }

  const tolerance = freivaldsTolerances(block, c);
  const random = options.random ?? cryptoU32();
  const r = new Float64Array(cols);
  const s = new Float64Array(k);
  for (let vector = 0; vector < (options.vectors ?? FREIVALDS_VECTORS); vector++) {
    for (let j = 0; j < cols; j++) r[j] = freivaldsEntry(random);
    for (let l = 0; l < k; l++) {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += b[l * cols + j]! * r[j]!;
      s[l] = sum;
    }
    for (let i = 0; i < rows; i++) {
      let expected = 0;
      for (let l = 0; l < k; l++) expected += a[i * k + l]! * s[l]!;
      let actual = 0;
      for (let j = 0; j < cols; j++) actual += c[i * cols + j]! * r[j]!;
      const difference = Math.abs(actual - expected);
      if (!(difference <= tolerance[i]!)) {
        return {
          status: 'invalid',
          reason: `Freivalds: row ${i} of the block has C·r − A·(B·r) = ${actual - expected}, beyond the f32 rounding bound ${tolerance[i]!.toPrecision(3)}`,
        };
      }
    }
  }
  return { status: 'valid' };
}
