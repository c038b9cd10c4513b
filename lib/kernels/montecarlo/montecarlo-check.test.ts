import { describe, expect, it } from 'vitest';
import { philox4x32_10 } from '../philox';
import { createPrng } from '../prng';
import { checkMontecarloShard, MONTECARLO_CHECK_CHUNKS, montecarloResultsAgree } from './montecarlo-check';
import { unitOpen } from './montecarlo-normal';
import { MONTECARLO_CHUNK_PATHS, type MontecarloShardParams } from './montecarlo-params';
import { simulateShard } from './montecarlo-simulate';

const params: MontecarloShardParams = {
  spot: 100,
  strike: 100,
  rate: 0.05,
  volatility: 0.2,
  maturity: 1,
  optionType: 'call',
  seed: '99',
  pathOffset: 2560,
  pathCount: 3000,
};
const seed = [7, 7, 7, 7];

const floats = (bytes: Uint8Array) => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);

/**
 * A second honest implementation, as a different GPU might compute it: the same Philox words, but
 * the path in float64 with the standard library's log, cos and exp, summed in float64.
 */
function float64Replica(p: MontecarloShardParams): Uint8Array {
  const out = new Float32Array(2 * Math.ceil(p.pathCount / MONTECARLO_CHUNK_PATHS));
  const seedBig = BigInt(p.seed);
  const key: [number, number] = [Number(seedBig & 0xffffffffn), Number(seedBig >> 32n)];
  const drift = (p.rate - p.volatility ** 2 / 2) * p.maturity;
  const sd = p.volatility * Math.sqrt(p.maturity);
  const sums = new Float64Array(out.length);
  for (let i = 0; i < p.pathCount; i++) {
    const [w0, w1] = philox4x32_10([p.pathOffset + i, 0, 0, 0], key);
    const z = Math.sqrt(-2 * Math.log(unitOpen(w0))) * Math.cos(2 * Math.PI * unitOpen(w1));
    const terminal = p.spot * Math.exp(drift + sd * z);
    const payoff = Math.max(0, p.optionType === 'call' ? terminal - p.strike : p.strike - terminal);
    const c = Math.floor(i / MONTECARLO_CHUNK_PATHS);
    sums[2 * c] = sums[2 * c]! + payoff;
    sums[2 * c + 1] = sums[2 * c + 1]! + payoff * payoff;
  }
  out.set(sums);
  return new Uint8Array(out.buffer);
}

describe('checkMontecarloShard', () => {
  it('finds the reference and an independent float64 evaluation plausible', () => {
    for (const p of [
      params,
      { ...params, optionType: 'put' as const },
      { ...params, volatility: 1, maturity: 10 },
    ]) {
      expect(checkMontecarloShard(p, simulateShard(p), createPrng(seed))).toEqual({ status: 'plausible' });
      expect(checkMontecarloShard(p, float64Replica(p), createPrng(seed))).toEqual({ status: 'plausible' });
    }
  });

  it('accepts an honest deep out-of-the-money shard of zeros', () => {
    const p = { ...params, strike: 1000 };
    expect(Math.max(...floats(simulateShard(p)))).toBe(0);
    expect(checkMontecarloShard(p, simulateShard(p), createPrng(seed)).status).toBe('plausible');
  });

  it.each([
    ['all zeros', (r: Float32Array) => r.fill(0)],
    ['garbage', (r: Float32Array) => r.set(r.map((_, i) => (createPrng([i, 1, 2, 3])() % 5000) / 3))],
    ['every sum 0.1 % high', (r: Float32Array) => r.set(r.map((v) => v * 1.001))],
    ['one chunk 1 % low', (r: Float32Array) => (r[6] = r[6]! * 0.99)],
    [
      'two chunks swapped',
      (r: Float32Array) => {
        const first = r.slice(0, 2);
        r.copyWithin(0, 2, 4);
        r.set(first, 2);
      },
    ],
    ['a NaN', (r: Float32Array) => (r[3] = Number.NaN)],
    ['a negative sum', (r: Float32Array) => (r[0] = -1)],
    ['squares too small for the sum (Cauchy–Schwarz)', (r: Float32Array) => (r[1] = r[0]! ** 2 / 1000)],
    ['a sum beyond the largest payoff', (r: Float32Array) => (r[0] = 1e9)],
  ])('refuses %s', (_name, tamper) => {
    const result = simulateShard(params);
    tamper(floats(result));
    expect(checkMontecarloShard(params, result, createPrng(seed)).status).toBe('invalid');
  });

  it('refuses the sums of another seed and a wrong size', () => {
    const other = simulateShard({ ...params, seed: '100' });
    expect(checkMontecarloShard(params, other, createPrng(seed)).status).toBe('invalid');
    expect(checkMontecarloShard(params, simulateShard(params).subarray(8), createPrng(seed)).status).toBe(
      'invalid',
    );
  });

  it(`re-simulates ${MONTECARLO_CHECK_CHUNKS} random chunks of a large shard`, () => {
    expect(MONTECARLO_CHECK_CHUNKS).toBe(88);
    const big = { ...params, pathCount: 256 * 400 };
    const honest = simulateShard(big);
    expect(checkMontecarloShard(big, honest, createPrng(seed)).status).toBe('plausible');
    // Every chunk wrong by 1 %: any sample catches it.
    const wrong = honest.slice();
    floats(wrong).set(floats(wrong).map((v) => v * 1.01));
    expect(checkMontecarloShard(big, wrong, createPrng(seed)).status).toBe('invalid');
  });
});

describe('checkMontecarloShard against lazy volunteers (≤ 90 % of the paths)', () => {
  // 1000 chunks, so the sample is a real sample (88 of 1000).
  const big = { ...params, pathOffset: 0, pathCount: 256 * 1000 };
  const honest = simulateShard(big);
  const TRIALS = 2000;

  function caught(result: Uint8Array, seedBase: number, trials = TRIALS): number {
    let invalid = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (checkMontecarloShard(big, result, createPrng([trial, seedBase, 5, 5])).status === 'invalid')
        invalid++;
    }
    return invalid / trials;
  }

  /** Sums of only the first `simulated` paths of every chunk, optionally rescaled to hide the gap. */
  function partialPaths(simulated: number, rescale: boolean): Uint8Array {
    const out = new Float32Array(2 * 1000);
    for (let c = 0; c < 1000; c++) {
      const part = floats(simulateShard({ ...big, pathOffset: 256 * c, pathCount: simulated }));
      const scale = rescale ? 256 / simulated : 1;
      out[2 * c] = part[0]! * scale;
      out[2 * c + 1] = part[1]! * scale;
    }
    return new Uint8Array(out.buffer);
  }

  it('catches 90 % of every chunk’s paths simulated, raw or rescaled, in every check', () => {
    expect(caught(partialPaths(230, false), 1, 200)).toBe(1);
    expect(caught(partialPaths(230, true), 2, 200)).toBe(1);
  });

  it('catches 10 % of the chunks never simulated (copied from a neighbour) in ≥ 99.9 % of checks', () => {
    const next = createPrng([3, 1, 4, 1]);
    const lazy = honest.slice();
    const sums = floats(lazy);
    const skipped = new Set<number>();
    while (skipped.size < 100) skipped.add(1 + (next() % 999));
    // Plausible stand-ins: a neighbouring chunk's sums pass every plausibility test.
    for (const c of skipped) sums.copyWithin(2 * c, 2 * (c - 1), 2 * c);
    expect(caught(lazy, 3)).toBeGreaterThanOrEqual(0.999);
  });

  it('catches 10 % of the chunks reported as zero in ≥ 99.9 % of checks', () => {
    const next = createPrng([2, 7, 1, 8]);
    const lazy = honest.slice();
    const sums = floats(lazy);
    const skipped = new Set<number>();
    while (skipped.size < 100) skipped.add(next() % 1000);
    for (const c of skipped) sums.fill(0, 2 * c, 2 * c + 2);
    expect(caught(lazy, 4)).toBeGreaterThanOrEqual(0.999);
  });

  it('never refuses an honest result, with WebCrypto samples', () => {
    for (let trial = 0; trial < 20; trial++)
      expect(checkMontecarloShard(big, honest).status).toBe('plausible');
  });

  it('refuses the cheapest lies: empty, all zeros, one chunk repeated everywhere', () => {
    const repeated = honest.slice();
    const sums = floats(repeated);
    for (let c = 1; c < 1000; c++) sums.copyWithin(2 * c, 0, 2);
    for (const lie of [new Uint8Array(), new Uint8Array(honest.length), repeated]) {
      for (let trial = 0; trial < 20; trial++) expect(checkMontecarloShard(big, lie).status).toBe('invalid');
    }
  });
});

describe('montecarloResultsAgree', () => {
  it('agrees for honest evaluations and not for a 1 % difference', () => {
    const reference = simulateShard(params);
    expect(montecarloResultsAgree(params, reference, float64Replica(params))).toBe(true);
    expect(montecarloResultsAgree(params, reference, reference.slice())).toBe(true);
    const off = reference.slice();
    floats(off)[8] = floats(off)[8]! * 1.01;
    expect(montecarloResultsAgree(params, reference, off)).toBe(false);
  });

  it('refuses mismatched sizes and non-finite values', () => {
    const reference = simulateShard(params);
    expect(montecarloResultsAgree(params, reference, reference.subarray(8))).toBe(false);
    const nan = reference.slice();
    floats(nan)[0] = Number.NaN;
    expect(montecarloResultsAgree(params, nan, nan)).toBe(false);
  });
});
