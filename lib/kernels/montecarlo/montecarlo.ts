import { type Kernel, KernelInputError, type ShardSpec } from '../kernel';
import { parseParams } from '../parse-params';
import { opsToWorkUnits } from '../work-units';
import { blackScholesPrice } from './montecarlo-black-scholes';
import { checkMontecarloShard, montecarloResultsAgree } from './montecarlo-check';
import { montecarloDispatch, montecarloWgsl } from './montecarlo-gpu';
import {
  MONTECARLO_DEFAULT_SHARD_PATHS,
  type MontecarloJobParams,
  type MontecarloShardParams,
  montecarloChunks,
  montecarloJobParamsSchema,
  montecarloShardParamsSchema,
} from './montecarlo-params';
import { simulateShard } from './montecarlo-simulate';

/**
 * Operations per simulated path: Philox4x32-10 is 10 rounds of two 32×32→64 products built from
 * 16-bit halves (≈ 15 operations each) plus xors and key bumps (≈ 40 a round, 400 in all); the
 * uniforms, logarithm, square root, cosine, exp and payoff ≈ 60; the reduction ≈ 2. Rounded to 500.
 */
export const MONTECARLO_OPS_PER_PATH = 500;

/** z for a two-sided 95 % normal interval. */
const Z95 = 1.959963984540054;

/** The job output, `result.json`. */
export interface MontecarloOutput {
  /** Discounted mean payoff: the Monte Carlo price. */
  price: number;
  /** Standard error of `price`; null with a single path. */
  stdError: number | null;
  /** price ∓ 1.96·stdError; null with a single path. */
  confidence95: [number, number] | null;
  paths: number;
  /** The closed-form price of the same option, for comparison. */
  blackScholes: number;
}

/**
 * European option pricing by Monte Carlo under geometric Brownian motion, with the counter-based
 * Philox4x32-10 generator so every path is reproducible anywhere. A shard returns per-256-path
 * float32 partial sums; the server re-simulates random chunks, replicas must agree within a
 * tolerance, and the host sums everything in float64.
 */
export const montecarlo: Kernel<MontecarloJobParams, MontecarloShardParams> = {
  name: 'montecarlo',
  example: {
    params: {
      spot: 100,
      strike: 105,
      rate: 0.03,
      volatility: 0.2,
      maturity: 1,
      optionType: 'call',
      paths: 65536,
      seed: 7,
      pathsPerShard: 16384,
    },
  },
  description:
    'European option price by Monte Carlo (geometric Brownian motion, Philox4x32-10), with its 95 % confidence interval and the Black–Scholes value',
  paramsSchema: montecarloJobParamsSchema,
  shardParamsSchema: montecarloShardParamsSchema,
  inputNames: [],
  shardInputNames: [],
  requiresWebGPU: false,

  split(job) {
    const params = parseParams(montecarloJobParamsSchema, job.params);
    const extra = Object.keys(job.inputs)[0];
    if (extra !== undefined) {
      throw new KernelInputError(`inputs.${extra}`, 'montecarlo takes no input files: remove them');
    }
    const { spot, strike, rate, volatility, maturity, optionType, seed } = params;
    const perShard = params.pathsPerShard ?? MONTECARLO_DEFAULT_SHARD_PATHS;
    const shards: ShardSpec<MontecarloShardParams>[] = [];
    for (let pathOffset = 0; pathOffset < params.paths; pathOffset += perShard) {
      const pathCount = Math.min(perShard, params.paths - pathOffset);
      shards.push({
        params: { spot, strike, rate, volatility, maturity, optionType, seed, pathOffset, pathCount },
        inputs: {},
      });
    }
    return shards;
  },

  resultSize: (params) => ({ exact: montecarloChunks(params.pathCount) * 8 }),

  reference: (shard) => simulateShard(shard.params),

  verify: {
    selfVerifying: false,
    check: (shard, result) => checkMontecarloShard(shard.params, result),
    compare: (shard, a, b) => montecarloResultsAgree(shard.params, a, b),
  },

  assemble(job, results) {
    const { paths, rate, maturity } = job.params;
    let sum = 0;
    let squares = 0;
    let next = 0;
    for (const { params, result } of results) {
      if (params.pathOffset !== next) {
        throw new RangeError(`shard results do not cover the paths exactly once: expected path ${next} next`);
      }
      if (result.length !== montecarloChunks(params.pathCount) * 8) {
        throw new RangeError(`shard at path ${params.pathOffset} has a wrong-size result`);
      }
      const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
      for (let offset = 0; offset < result.length; offset += 8) {
        sum += view.getFloat32(offset, true);
        squares += view.getFloat32(offset + 4, true);
      }
      next += params.pathCount;
    }
    if (next !== paths) throw new RangeError(`shard results cover ${next} paths; the job has ${paths}`);
    const discount = Math.exp(-rate * maturity);
    const mean = sum / paths;
    const variance = paths > 1 ? Math.max(0, (squares - paths * mean * mean) / (paths - 1)) : null;
    const price = discount * mean;
    const stdError = variance === null ? null : discount * Math.sqrt(variance / paths);
    const output: MontecarloOutput = {
      price,
      stdError,
      confidence95: stdError === null ? null : [price - Z95 * stdError, price + Z95 * stdError],
      paths,
      blackScholes: blackScholesPrice(job.params),
    };
    return {
      bytes: new TextEncoder().encode(JSON.stringify(output)),
      contentType: 'application/json',
      filename: 'result.json',
    };
  },

  /** `MONTECARLO_OPS_PER_PATH` per path, in 10⁶-operation units. */
  workUnits: (params) => opsToWorkUnits(params.pathCount * MONTECARLO_OPS_PER_PATH),

  wgsl: montecarloWgsl,
  dispatch: (shard) => montecarloDispatch(shard),
};
