/**
 * How many rows of a shard the server re-runs. A result with a fraction `f` of wrong rows escapes
 * a uniform sample of `s` distinct rows out of `n` with probability
 *
 *     P(miss) = C(n − w, s) / C(n, s) = ∏_{i<s} (n − w − i) / (n − i),   w = ⌈f·n⌉,
 *
 * which is at most (1 − f)^s. With f = 5 % and P(miss) ≤ 0.1 %, s ≤ ⌈ln 0.001 / ln 0.95⌉ = 135 for
 * any n, and fewer for small n (sampling without replacement); a shard of n ≤ s rows is re-run in
 * full. So verification costs s / n of the shard's compute: ≤ 10 % from n ≈ 1,350 rows on.
 */
export const ONNX_WRONG_FRACTION = 0.05;
export const ONNX_MAX_MISS_PROBABILITY = 0.001;

/** Probability that a sample of `s` distinct rows out of `n` contains none of `w` wrong rows. */
export function missProbability(n: number, w: number, s: number): number {
  if (w <= 0) return 1;
  let p = 1;
  for (let i = 0; i < s; i++) {
    if (n - w - i <= 0) return 0;
    p *= (n - w - i) / (n - i);
  }
  return p;
}

/**
 * The smallest sample of an `n`-row shard that catches ≥ `fraction` wrong rows with probability
 * ≥ 1 − `maxMiss`.
 * @example onnxSampleSize(2048) // 131 (6.4 % of the shard)
 */
export function onnxSampleSize(
  n: number,
  fraction = ONNX_WRONG_FRACTION,
  maxMiss = ONNX_MAX_MISS_PROBABILITY,
): number {
  const w = Math.max(1, Math.ceil(fraction * n));
  let p = 1;
  for (let s = 1; s <= n; s++) {
    if (n - w - (s - 1) <= 0) return s;
    p *= (n - w - (s - 1)) / (n - (s - 1));
    if (p <= maxMiss) return s;
  }
  return n;
}

/**
 * `count` distinct row indices in [0, n), uniformly, from `random` (uniform u32s; the verifier
 * passes WebCrypto, so a volunteer cannot predict which rows are checked). Sorted.
 */
export function sampleRows(n: number, count: number, random: () => number): number[] {
  const k = Math.min(count, n);
  if (k === n) return Array.from({ length: n }, (_, i) => i);
  // Partial Fisher–Yates over a sparse permutation: O(k) memory for any n.
  const swapped = new Map<number, number>();
  const picked: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + uniformBelow(n - i, random);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    picked.push(atJ);
  }
  return picked.sort((a, b) => a - b);
}

/** Unbiased integer in [0, bound) from uniform u32s (rejection sampling). */
function uniformBelow(bound: number, random: () => number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const value = random() >>> 0;
    if (value < limit) return value % bound;
  }
}

/** Uniform u32s from WebCrypto, drawn in blocks. */
export function cryptoRandom(): () => number {
  let block = new Uint32Array(0);
  let next = 0;
  return () => {
    if (next >= block.length) {
      block = globalThis.crypto.getRandomValues(new Uint32Array(256));
      next = 0;
    }
    return block[next++]!;
  };
}
