/**
 * The rounding-error model every float32 matmul check shares. Any honest f32 dot product of
 * length k, whatever its summation order (sequential, blocked, tree, with or without FMA),
 * satisfies |fl(aᵀb) − aᵀb| ≤ γ_k·|a|ᵀ|b| with γ_k = k·u/(1 − k·u) and u = 2⁻²⁴
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1). The bound is
 * relative to |a|ᵀ|b|, not to the result, so cancellation cannot make an honest result fail it.
 */

/** Unit roundoff of float32 with round-to-nearest. */
const F32_UNIT_ROUNDOFF = 2 ** -24;
/** Smallest normal float32: a GPU may flush anything smaller to zero. */
const F32_MIN_NORMAL = 2 ** -126;

/** γ_k, the relative error bound of a length-k f32 dot product. */
export function f32DotErrorFactor(k: number): number {
  const ku = k * F32_UNIT_ROUNDOFF;
  return ku / (1 - ku);
}

/**
 * Absolute slack for subnormal flushing: each of a dot product's ≤ 2k operations may lose up to
 * one smallest normal when a GPU flushes subnormals to zero, which γ_k does not cover.
 */
export function f32FlushSlack(k: number): number {
  return 2 * k * F32_MIN_NORMAL;
}
