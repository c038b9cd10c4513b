/**
 * Sizing sampled re-computation to a threat: a result wrong in at least a fraction f of its units
 * (pixels, chunks of paths) shows more than `allowed` wrong units among n independent, uniformly
 * drawn samples except with probability P(Binomial(n, f) ≤ allowed). With `allowed` = 0 that is
 * (1 − f)^n, so n ≥ ln(miss)/ln(1 − f): 66 samples catch 10 % wrong with ≥ 99.9 %.
 */

/** The threat sampled checks are sized for: a result with at least this fraction of its units wrong. */
export const LAZY_FRACTION = 0.1;
/**
 * The most such a result may pass a sampled check, per shard. The requirement is 10⁻³ (caught with
 * ≥ 99.9 %); sizing for 10⁻⁴ costs about a third more samples and leaves a margin of ten.
 */
export const SAMPLED_CHECK_MISS = 1e-4;

/** P(X ≤ allowed) for X ~ Binomial(n, p). */
export function binomialCdf(n: number, p: number, allowed: number): number {
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= Math.min(allowed, n); i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * The smallest n such that a result wrong in a fraction `fraction` of its units passes a check that
 * forgives up to `allowed` wrong samples with probability at most `miss`.
 * @example samplesToCatch(0.1, 0.001) // 66
 */
export function samplesToCatch(fraction: number, miss: number, allowed = 0): number {
  let n = allowed + 1;
  while (binomialCdf(n, fraction, allowed) > miss) n++;
  return n;
}
