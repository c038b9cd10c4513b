import { describe, expect, it } from 'vitest';
import { type JobSpec, KernelInputError } from '../kernel';
import { MONTECARLO_OPS_PER_PATH, type MontecarloOutput, montecarlo } from './montecarlo';
import { blackScholesPrice } from './montecarlo-black-scholes';
import { MONTECARLO_DEFAULT_SHARD_PATHS, type MontecarloJobParams } from './montecarlo-params';

const market = {
  spot: 100,
  strike: 100,
  rate: 0.05,
  volatility: 0.2,
  maturity: 1,
  optionType: 'call' as const,
};

function job(
  params: Partial<Omit<MontecarloJobParams, 'seed'>> & { paths: number; seed?: string | number },
): MontecarloJobParams {
  return montecarlo.paramsSchema.parse({ ...market, seed: 1, ...params });
}

/** Runs a job through the CPU reference end to end: split, every shard, assemble. */
function price(params: MontecarloJobParams): MontecarloOutput {
  const shards = montecarlo.split({ params, inputs: {} });
  const results = shards.map((shard) => ({ params: shard.params, result: montecarlo.reference(shard) }));
  const output = montecarlo.assemble({ params }, results);
  expect(output.contentType).toBe('application/json');
  expect(output.filename).toBe('result.json');
  return JSON.parse(new TextDecoder().decode(output.bytes));
}

describe('montecarlo.split', () => {
  it.each([
    [1, undefined],
    [255, undefined],
    [MONTECARLO_DEFAULT_SHARD_PATHS + 1, undefined],
    [100_000, 256],
    [1_000_003, 65_536],
    [2 ** 32, undefined],
  ])('covers %i paths exactly once (pathsPerShard %s)', (paths, pathsPerShard) => {
    const params = job({ paths, pathsPerShard });
    const shards = montecarlo.split({ params, inputs: {} });
    let next = 0;
    for (const { params: shard, inputs } of shards) {
      if (next < 300_000) expect(montecarlo.shardParamsSchema.parse(shard)).toEqual(shard);
      expect(inputs).toEqual({});
      expect(shard).toMatchObject({ ...market, seed: '1' });
      expect(shard.pathOffset).toBe(next);
      expect(shard.pathOffset % 256).toBe(0);
      next += shard.pathCount;
    }
    expect(next).toBe(paths);
    expect(shards).toHaveLength(Math.ceil(paths / (pathsPerShard ?? MONTECARLO_DEFAULT_SHARD_PATHS)));
  });
});

function inputError(spec: JobSpec<unknown>): KernelInputError {
  try {
    montecarlo.split(spec as JobSpec<MontecarloJobParams>);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('split accepted an invalid job');
}

describe('montecarlo.split rejects bad jobs with the field to fix', () => {
  const params = { ...market, paths: 10_000, seed: 7 };

  it.each([
    ['zero spot', { spot: 0 }, 'params.spot', /greater than 0/],
    ['spot as a string', { spot: '100' }, 'params.spot', /finite number/],
    ['negative strike', { strike: -5 }, 'params.strike', /greater than 0/],
    ['huge strike', { strike: 2e6 }, 'params.strike', /at most 1000000/],
    ['rate of 50 %', { rate: 0.5 }, 'params.rate', /at most 0.25/],
    ['zero volatility', { volatility: 0 }, 'params.volatility', /greater than 0/],
    ['volatility over 100 %', { volatility: 1.5 }, 'params.volatility', /at most 1/],
    ['zero maturity', { maturity: 0 }, 'params.maturity', /greater than 0/],
    ['maturity over 10 years', { maturity: 11 }, 'params.maturity', /at most 10/],
    ['an unknown option type', { optionType: 'american' }, 'params.optionType', /"call" or "put"/],
    ['zero paths', { paths: 0 }, 'params.paths', /at least 1/],
    ['more than 2^32 paths', { paths: 2 ** 32 + 1 }, 'params.paths', /at most 4294967296/],
    ['fractional paths', { paths: 10.5 }, 'params.paths', /whole number/],
    ['a negative seed', { seed: -1 }, 'params.seed', /negative/],
    ['a seed number of 2^32', { seed: 2 ** 32 }, 'params.seed', /below 2\^32/],
    ['a seed string of 2^64', { seed: '18446744073709551616' }, 'params.seed', /below 2\^64/],
    ['a hex seed', { seed: '0x10' }, 'params.seed', /decimal integer string/],
    ['pathsPerShard off the 256 grid', { pathsPerShard: 1000 }, 'params.pathsPerShard', /multiple of 256/],
    ['pathsPerShard too large', { pathsPerShard: 2 ** 23 }, 'params.pathsPerShard', /at most 4194304/],
    ['missing seed', { seed: undefined }, 'params.seed', /seed/],
    ['an unknown parameter', { steps: 12 }, 'params.steps', /unknown parameter "steps"/],
  ])('%s', (_name, change, field, message) => {
    const error = inputError({ params: { ...params, ...change }, inputs: {} });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses any input file', () => {
    expect(inputError({ params, inputs: { x: new Uint8Array(1) } }).field).toBe('inputs.x');
  });
});

describe('montecarlo pricing (CPU reference, split, assembled)', () => {
  it.each([
    ['an at-the-money call', { optionType: 'call' as const }],
    ['an out-of-the-money put', { optionType: 'put' as const, strike: 90, volatility: 0.3, maturity: 0.5 }],
    ['an in-the-money call, negative rate', { strike: 80, rate: -0.01, volatility: 0.5, maturity: 2 }],
  ])('prices %s within its 95 % interval of Black–Scholes (2^18 paths, 4 shards)', (_name, change) => {
    const params = job({ ...change, paths: 2 ** 18, pathsPerShard: 2 ** 16, seed: 20240601 });
    const output = price(params);
    const closedForm = blackScholesPrice(params);
    expect(output.blackScholes).toBe(closedForm);
    expect(output.paths).toBe(2 ** 18);
    const [lo, hi] = output.confidence95!;
    expect(lo).toBeLessThan(closedForm);
    expect(hi).toBeGreaterThan(closedForm);
    expect(hi - lo).toBeCloseTo(2 * 1.959963984540054 * output.stdError!, 12);
    // The interval is the statistical one: σ_payoff / √n, not something loose.
    expect(output.stdError! / output.price).toBeLessThan(0.01);
  });

  it('gives the same price however the paths are split', () => {
    const a = price(job({ paths: 50_000, pathsPerShard: 256 * 7 }));
    const b = price(job({ paths: 50_000 }));
    expect(a.price).toBeCloseTo(b.price, 9);
    expect(a.stdError).toBeCloseTo(b.stdError!, 9);
  });

  it('reports no interval for a single path', () => {
    const output = price(job({ paths: 1 }));
    expect(output.stdError).toBeNull();
    expect(output.confidence95).toBeNull();
    expect(output.price).toBeGreaterThanOrEqual(0);
  });

  it('refuses results that do not cover the paths exactly once', () => {
    const params = job({ paths: 1000, pathsPerShard: 256 });
    const results = montecarlo
      .split({ params, inputs: {} })
      .map((shard) => ({ params: shard.params, result: montecarlo.reference(shard) }));
    expect(() => montecarlo.assemble({ params }, results.slice(1))).toThrow(/exactly once/);
    expect(() => montecarlo.assemble({ params }, results.slice(0, 3))).toThrow(/cover 768 paths/);
  });
});

describe('montecarlo verification, credit and GPU', () => {
  const [shard] = montecarlo.split({ params: job({ paths: 5000 }), inputs: {} });

  it('checks (plausible/invalid) and compares, needing a quorum', async () => {
    const honest = montecarlo.reference(shard!);
    expect(montecarlo.verify.selfVerifying).toBe(false);
    expect(montecarlo.verify.check(shard!, honest)).toEqual({ status: 'plausible' });
    expect((await montecarlo.verify.check(shard!, new Uint8Array(honest.length))).status).toBe('invalid');
    expect(montecarlo.verify.compare(shard!, honest, honest.slice())).toBe(true);
    expect(montecarlo.verify.compare(shard!, honest, new Uint8Array(honest.length))).toBe(false);
    expect(montecarlo.resultSize(shard!.params)).toEqual({ exact: 20 * 8 });
  });

  it('refuses the cheapest lies at the kernel level and never finds a result valid alone', async () => {
    const honest = montecarlo.reference(shard!);
    const half = honest.slice();
    half.fill(0, honest.length / 2);
    const scaled = new Float32Array(honest.slice().buffer).map((v) => v * 1.05);
    for (const lie of [
      new Uint8Array(),
      new Uint8Array(honest.length),
      half,
      new Uint8Array(scaled.buffer),
    ]) {
      expect((await montecarlo.verify.check(shard!, lie)).status).toBe('invalid');
    }
    expect((await montecarlo.verify.check(shard!, honest)).status).not.toBe('valid');
  });

  it(`pays ${MONTECARLO_OPS_PER_PATH} operations per path`, () => {
    expect(montecarlo.workUnits(shard!.params)).toBe((5000 * MONTECARLO_OPS_PER_PATH) / 1e6);
  });

  it('runs on CPU workers too, and its GPU dispatch reads back exactly the result size', () => {
    expect(montecarlo.requiresWebGPU).toBe(false);
    expect(montecarlo.dispatch!(shard!, {} as never).readback.bytes).toBe(20 * 8);
    expect(montecarlo.wgsl).toContain('fn philox4x32_10');
  });
});
