import type { CheckVerdict } from '../kernel';
import { cryptoU32, type U32Source, uniformIndex } from '../prng';
import { LAZY_FRACTION, SAMPLED_CHECK_MISS, samplesToCatch } from '../sample-size';
import { MONTECARLO_MAX_ABS_NORMAL } from './montecarlo-normal';
import { MONTECARLO_CHUNK_PATHS, type MontecarloShardParams, montecarloChunks } from './montecarlo-params';
import { type MontecarloModel, montecarloModel, simulateChunk } from './montecarlo-simulate';

/**
 * How far an honest GPU's float32 payoff may be from the reference's, relative to the path's
 * terminal price S_T. Both compute the same operations; they differ by fused multiply-adds, the
 * division in the logarithm (2.5 ulp in WGSL) and `exp` (3 + 2|x| ulp, |x| ≤ 21 here): a few ulps
 * of Z amplified by σ√T ≤ 3.2 plus ≤ 45 ulps of exp, under 10⁻⁵. Measured on SwiftShader's WebGPU:
 * ≤ 1.0·10⁻⁶ at σ√T = 3.16, 2.3·10⁻⁷ at 0.2. 10⁻⁴ leaves a wide margin, yet a result that is off
 * by more than 0.1 % anywhere, or made up, fails.
 */
export const MONTECARLO_PATH_TOLERANCE = 1e-4;
/** Relative rounding of an f32 tree sum of 256 terms: 8 levels × 2⁻²⁴, with margin. */
const SUM_ROUNDING = 1e-6;
/**
 * Chunks the server re-simulates per result, drawn uniformly with replacement: the fewest for which
 * a result wrong in ≥ 10 % of its chunks (e.g. 10 % of its paths never simulated) passes with at
 * most 10⁻⁴ (0.9⁸⁸ = 9.4·10⁻⁵; 66 would meet the required 10⁻³ with no margin). At most
 * 88 · 256 = 22,528 paths (≈ 15–30 ms), whatever the shard size.
 */
export const MONTECARLO_CHECK_CHUNKS = samplesToCatch(LAZY_FRACTION, SAMPLED_CHECK_MISS);

function readChunks(result: Uint8Array): Float32Array {
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  return Float32Array.from({ length: result.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function chunkSize(params: MontecarloShardParams, chunk: number): number {
  return Math.min(MONTECARLO_CHUNK_PATHS, params.pathCount - chunk * MONTECARLO_CHUNK_PATHS);
}

/** The largest payoff any path can have: a call's S_T at the largest |Z|, a put's strike. */
function maxPayoff(model: MontecarloModel): number {
  if (!model.isCall) return model.strike;
  const terminal = model.spot * Math.exp(model.drift + Math.abs(model.volSqrtT) * MONTECARLO_MAX_ABS_NORMAL);
  return Math.max(0, terminal * (1 + MONTECARLO_PATH_TOLERANCE) - model.strike);
}

/** Why chunk `c` (sum s, squares q of n paths) cannot be any honest result, or null. */
function implausible(c: number, s: number, q: number, n: number, pmax: number): string | null {
  if (!Number.isFinite(s) || !Number.isFinite(q)) return `chunk ${c} holds a non-finite sum`;
  if (s < 0 || q < 0) return `chunk ${c} holds a negative sum; payoffs are never negative`;
  const slack = 1 + SUM_ROUNDING + 3 * MONTECARLO_PATH_TOLERANCE;
  if (s > n * pmax * slack || q > n * pmax * pmax * slack) {
    return `chunk ${c} sums to more than ${n} paths can pay (at most ${pmax.toPrecision(6)} each)`;
  }
  // Cauchy–Schwarz: (Σp)² ≤ n·Σp² for the worker's own payoffs, up to rounding.
  if (s * s > n * q * (1 + 4 * SUM_ROUNDING) + 1e-30) {
    return `chunk ${c}: (Σ payoff)² exceeds ${n}·Σ payoff², impossible for real payoffs`;
  }
  return null;
}

/**
 * The chunks to re-simulate: every chunk once when there are no more than
 * `MONTECARLO_CHECK_CHUNKS`, else that many drawn uniformly with replacement (so the miss
 * probability is exactly (1 − f)^88), from `random` — WebCrypto at check time, never derivable from
 * the lease.
 */
function sampleChunks(chunks: number, random: U32Source): number[] {
  if (chunks <= MONTECARLO_CHECK_CHUNKS) return Array.from({ length: chunks }, (_, c) => c);
  return Array.from({ length: MONTECARLO_CHECK_CHUNKS }, () => uniformIndex(random, chunks));
}

/**
 * The server's check of one shard result: every chunk must be possible (finite, non-negative,
 * within the largest payoff, Cauchy–Schwarz), and `MONTECARLO_CHECK_CHUNKS` random chunks (all of a
 * small shard) are re-simulated path by path. The tolerance is exact per path: only paths in or
 * near the money (where a payoff can move) contribute ε·S_T each, so a re-simulated chunk must match
 * to that bound, and a chunk with paths left out (or sums rescaled to hide them) is off by those
 * paths' payoffs. Passing does not prove the other chunks, so the verdict is `plausible` and the
 * quorum decides.
 */
export function checkMontecarloShard(
  params: MontecarloShardParams,
  result: Uint8Array,
  random: U32Source = cryptoU32(),
): CheckVerdict {
  const chunks = montecarloChunks(params.pathCount);
  if (result.length !== chunks * 8) {
    return {
      status: 'invalid',
      reason: `result is ${result.length} bytes; ${chunks} chunks need ${chunks * 8}`,
    };
  }
  const values = readChunks(result);
  const model = montecarloModel(params);
  const pmax = maxPayoff(model);
  for (let c = 0; c < chunks; c++) {
    const reason = implausible(c, values[2 * c]!, values[2 * c + 1]!, chunkSize(params, c), pmax);
    if (reason) return { status: 'invalid', reason };
  }
  const eps = MONTECARLO_PATH_TOLERANCE;
  const checked = new Set<number>();
  for (const c of sampleChunks(chunks, random)) {
    // A chunk drawn twice passed the first time; re-simulating it again would change nothing.
    if (checked.has(c)) continue;
    checked.add(c);
    let slackSum = 0;
    let slackSquares = 0;
    const [sum, squares] = simulateChunk(
      model,
      params.pathOffset + c * MONTECARLO_CHUNK_PATHS,
      chunkSize(params, c),
      ({ terminal, payoff }) => {
        const near = model.isCall ? terminal * (1 + eps) > model.strike : terminal * (1 - eps) < model.strike;
        if (!near) return;
        const delta = eps * terminal;
        slackSum += delta;
        slackSquares += delta * (2 * payoff + delta);
      },
    );
    const s = values[2 * c]!;
    const q = values[2 * c + 1]!;
    if (Math.abs(s - sum) > slackSum + SUM_ROUNDING * sum + 1e-30) {
      return { status: 'invalid', reason: `chunk ${c}: payoff sum ${s} where re-simulation gives ${sum}` };
    }
    if (Math.abs(q - squares) > slackSquares + SUM_ROUNDING * squares + 1e-30) {
      return {
        status: 'invalid',
        reason: `chunk ${c}: squared payoff sum ${q} where re-simulation gives ${squares}`,
      };
    }
  }
  return { status: 'plausible' };
}

/**
 * Whether two results of one shard agree, chunk by chunk. Without per-path values, each replica may
 * be off the exact f32 sums by ε·(p + K) per path (S_T ≤ payoff + strike for both option types),
 * so sums may differ by 2ε(Σp + nK) and squared sums by 2·(2ε(Σp² + KΣp) + ε²n(p̄ + K)²), plus
 * rounding.
 */
export function montecarloResultsAgree(params: MontecarloShardParams, a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length || a.length !== montecarloChunks(params.pathCount) * 8) return false;
  const x = readChunks(a);
  const y = readChunks(b);
  const strike = Math.fround(params.strike);
  const eps = MONTECARLO_PATH_TOLERANCE * (1 + 1e-3);
  for (let c = 0; c < x.length / 2; c++) {
    const n = chunkSize(params, c);
    const [s1, q1, s2, q2] = [x[2 * c]!, x[2 * c + 1]!, y[2 * c]!, y[2 * c + 1]!];
    if (![s1, q1, s2, q2].every(Number.isFinite)) return false;
    const s = Math.max(Math.abs(s1), Math.abs(s2));
    const q = Math.max(Math.abs(q1), Math.abs(q2));
    const meanPlusStrike = s / n + strike;
    const sumBound = 2 * eps * (s + n * strike) + 2 * SUM_ROUNDING * s + 1e-30;
    const squaresBound =
      2 * (2 * eps * (q + strike * s) + eps * eps * n * meanPlusStrike * meanPlusStrike) +
      2 * SUM_ROUNDING * q +
      1e-30;
    if (Math.abs(s1 - s2) > sumBound || Math.abs(q1 - q2) > squaresBound) return false;
  }
  return true;
}
