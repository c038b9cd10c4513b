import { f32DotErrorFactor, f32FlushSlack } from '../f32-error';
import type { CheckVerdict } from '../kernel';
import { createPrng } from '../prng';
import type { MatmulBlock } from './matmul-block';
import { rowNorms } from './matrix-norms';

/**
 * Random vectors per check. Each ±1 vector catches any single wrong element above the tolerance
 * with certainty, and errors spread over one row cancel for at most half of all vectors
 * (Freivalds), so a crafted result escapes all four with probability ≤ 1/16 per such row. The
 * cost is four O(rows·k + k·cols) matrix-vector passes, the same order as reading the inputs.
 */
const FREIVALDS_VECTORS = 4;

/**
 * Hoeffding multiplier. For a ±1 vector r chosen after the result exists, row i's residual
 * Σⱼ rⱼ·eᵢⱼ of an honest result (|eᵢⱼ| ≤ γ_k·(|A||B|)ᵢⱼ) exceeds λ·√(Σⱼ (γ_k·(|A||B|)ᵢⱼ)²) with
 * probability ≤ 2·exp(−λ²/2) ≈ 3·10⁻⁸, and only if every element hits its worst case at once,
 * which honest rounding does not do; real false rejections are far rarer.
 */
const LAMBDA = 6;

const F64_UNIT_ROUNDOFF = 2 ** -53;

export interface FreivaldsOptions {
  /** 128-bit seed (four u32) of the vectors; the verifier draws it fresh per check. */
  seed: ArrayLike<number>;
  vectors?: number;
}

/**
 * Checks C = A·B for one shard in O(rows·k + k·cols + rows·cols) instead of recomputing it: for
 * random ±1 vectors r, compares A·(B·r) with C·r in f64, row by row.
 *
 * Tolerance for row i: λ·γ_k·‖Aᵢ‖₂·‖B‖_F. By Cauchy–Schwarz, Σⱼ (|A||B|)ᵢⱼ² ≤ ‖Aᵢ‖₂²·‖B‖_F², so
 * this is the Hoeffding bound above made computable without the full product (for dense data
 * it overestimates by only ~4/3). It depends on absolute values only, so it scales with the data
 * and stays valid under cancellation. Small slack terms cover subnormal flushing on GPUs and
 * the f64 rounding of the check itself.
 *
 * What it catches: one element off by more than that row's tolerance, e.g. for entries uniform
 * in [−1, 1] with k = 256 and 64 columns, anything above ≈ 0.06 absolute (≈ 1 % of a typical |Cᵢⱼ|).
 * Smaller errors are indistinguishable from legitimate f32 rounding in the worst case.
 */
export function freivaldsCheck(block: MatmulBlock, c: Float32Array, options: FreivaldsOptions): CheckVerdict {
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

  const rowNormA = rowNorms(a, rows, k);
  let sumSquaresB = 0;
  for (const value of b) sumSquaresB += value * value;
  const normB = Math.sqrt(sumSquaresB);
  const absRowSumC = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) sum += Math.abs(c[j]!);
    absRowSumC[i] = sum;
  }
  const f64Error = (k + cols + 2) * F64_UNIT_ROUNDOFF;
  const tolerance = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const scale = rowNormA[i]! * normB;
    tolerance[i] =
      LAMBDA * f32DotErrorFactor(k) * scale +
      cols * f32FlushSlack(k) +
      f64Error * (Math.sqrt(cols) * scale + absRowSumC[i]!);
  }

  const next = createPrng(options.seed);
  const r = new Float64Array(cols);
  const s = new Float64Array(k);
  for (let vector = 0; vector < (options.vectors ?? FREIVALDS_VECTORS); vector++) {
    let bits = 0;
    for (let j = 0; j < cols; j++) {
      if (j % 32 === 0) bits = next();
      r[j] = (bits >>> (j % 32)) & 1 ? 1 : -1;
    }
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
