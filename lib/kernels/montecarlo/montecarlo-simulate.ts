import { philox4x32_10 } from '../philox';
import { normalFromWords } from './montecarlo-normal';
import { MONTECARLO_CHUNK_PATHS, type MontecarloShardParams } from './montecarlo-params';

const f = Math.fround;

/** What every path of a job shares, as the float32 values the GPU receives (see montecarlo-gpu). */
export interface MontecarloModel {
  spot: number;
  strike: number;
  /** (r − σ²/2)·T: the log-price drift to expiry. */
  drift: number;
  /** σ·√T: the log-price standard deviation at expiry. */
  volSqrtT: number;
  isCall: boolean;
  /** The Philox key: the seed's low and high 32 bits. */
  key: [number, number];
}

/** The model of a shard, computed in f64 and rounded once to f32, identically for CPU and GPU. */
export function montecarloModel(
  params: Pick<
    MontecarloShardParams,
    'spot' | 'strike' | 'rate' | 'volatility' | 'maturity' | 'optionType' | 'seed'
  >,
): MontecarloModel {
  const { spot, strike, rate, volatility, maturity } = params;
  const seed = BigInt(params.seed);
  return {
    spot: f(spot),
    strike: f(strike),
    drift: f((rate - (volatility * volatility) / 2) * maturity),
    volSqrtT: f(volatility * Math.sqrt(maturity)),
    isCall: params.optionType === 'call',
    key: [Number(seed & 0xffff_ffffn), Number(seed >> 32n)],
  };
}

/**
 * Path `index` of the job: Philox4x32-10 with counter (index, 0, 0, 0) and the seed as key; words
 * 0 and 1 make one normal Z by Box–Muller (words 2 and 3 are unused); the terminal price is
 * S_T = spot·exp(drift + σ√T·Z). Returns S_T and the undiscounted payoff, both float32.
 */
export function simulatePath(model: MontecarloModel, index: number): { terminal: number; payoff: number } {
  const [w0, w1] = philox4x32_10([index, 0, 0, 0], model.key);
  const z = normalFromWords(w0, w1);
  const terminal = f(model.spot * f(Math.exp(f(model.drift + f(model.volSqrtT * z)))));
  const payoff = model.isCall
    ? Math.max(f(terminal - model.strike), 0)
    : Math.max(f(model.strike - terminal), 0);
  return { terminal, payoff };
}

/**
 * Sums of payoff and payoff² over one chunk — up to 256 consecutive paths from `firstPath` — in
 * float32 and in the shader's order: a workgroup tree reduction (stride 128, 64, …, 1) over 256
 * lanes, lanes past `count` holding 0. `onPath` sees each simulated path (the verifier uses it).
 */
export function simulateChunk(
  model: MontecarloModel,
  firstPath: number,
  count: number,
  onPath?: (path: { terminal: number; payoff: number }) => void,
): [sum: number, sumOfSquares: number] {
  const sums = new Float32Array(MONTECARLO_CHUNK_PATHS);
  const squares = new Float32Array(MONTECARLO_CHUNK_PATHS);
  for (let lane = 0; lane < count; lane++) {
    const path = simulatePath(model, firstPath + lane);
    onPath?.(path);
    sums[lane] = path.payoff;
    squares[lane] = f(path.payoff * path.payoff);
  }
  for (let stride = MONTECARLO_CHUNK_PATHS / 2; stride > 0; stride >>= 1) {
    for (let lane = 0; lane < stride; lane++) {
      sums[lane] = sums[lane]! + sums[lane + stride]!;
      squares[lane] = squares[lane]! + squares[lane + stride]!;
    }
  }
  return [sums[0]!, squares[0]!];
}

/**
 * The shard's result: for each chunk of 256 paths (the last maybe partial), the f32 sum of
 * payoffs then the f32 sum of squared payoffs, little-endian — 8 bytes per chunk.
 */
export function simulateShard(params: MontecarloShardParams): Uint8Array {
  const model = montecarloModel(params);
  const chunks = Math.ceil(params.pathCount / MONTECARLO_CHUNK_PATHS);
  const out = new Uint8Array(chunks * 8);
  const view = new DataView(out.buffer);
  for (let c = 0; c < chunks; c++) {
    const first = c * MONTECARLO_CHUNK_PATHS;
    const [sum, squares] = simulateChunk(
      model,
      params.pathOffset + first,
      Math.min(MONTECARLO_CHUNK_PATHS, params.pathCount - first),
    );
    view.setFloat32(8 * c, sum, true);
    view.setFloat32(8 * c + 4, squares, true);
  }
  return out;
}
