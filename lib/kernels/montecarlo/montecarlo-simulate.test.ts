import { describe, expect, it } from 'vitest';
import { philox4x32_10 } from '../philox';
import { normalFromWords } from './montecarlo-normal';
import type { MontecarloShardParams } from './montecarlo-params';
import { montecarloModel, simulateChunk, simulatePath, simulateShard } from './montecarlo-simulate';

const params: MontecarloShardParams = {
  spot: 100,
  strike: 105,
  rate: 0.04,
  volatility: 0.3,
  maturity: 2,
  optionType: 'call',
  seed: '4294967301', // 2^32 + 5: key (5, 1)
  pathOffset: 768,
  pathCount: 700,
};

describe('montecarloModel', () => {
  it('rounds the GBM constants to float32 once and splits the seed into the Philox key', () => {
    const model = montecarloModel(params);
    expect(model).toEqual({
      spot: 100,
      strike: 105,
      drift: Math.fround((0.04 - 0.045) * 2),
      volSqrtT: Math.fround(0.3 * Math.SQRT2),
      isCall: true,
      key: [5, 1],
    });
  });
});

describe('simulatePath', () => {
  it('draws path i from Philox counter (i, 0, 0, 0) keyed by the seed, S_T = S·exp(drift + σ√T·Z)', () => {
    const model = montecarloModel(params);
    const [w0, w1] = philox4x32_10([1234, 0, 0, 0], [5, 1]);
    const z = normalFromWords(w0, w1);
    const path = simulatePath(model, 1234);
    const terminal = 100 * Math.exp(model.drift + model.volSqrtT * z);
    expect(path.terminal).toBeCloseTo(terminal, 3);
    expect(path.payoff).toBe(Math.max(0, Math.fround(path.terminal - 105)));
    const put = simulatePath({ ...model, isCall: false }, 1234);
    expect(put.payoff).toBe(Math.max(0, Math.fround(105 - path.terminal)));
  });
});

describe('simulateChunk', () => {
  it('sums payoffs and squares like a float64 sum, up to float32 rounding', () => {
    const model = montecarloModel(params);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 200; i++) {
      const { payoff } = simulatePath(model, 5000 + i);
      sum += payoff;
      squares += payoff * payoff;
    }
    const [s, q] = simulateChunk(model, 5000, 200);
    expect(Math.abs(s - sum) / sum).toBeLessThan(1e-6);
    expect(Math.abs(q - squares) / squares).toBeLessThan(1e-6);
    expect(Math.fround(s)).toBe(s);
  });
});

describe('simulateShard', () => {
  it('writes (sum, sum of squares) as f32 LE per 256 paths, independent of how paths are split', () => {
    const whole = simulateShard(params);
    expect(whole.length).toBe(3 * 8);
    const view = new DataView(whole.buffer);
    const model = montecarloModel(params);
    expect([view.getFloat32(16, true), view.getFloat32(20, true)]).toEqual(
      simulateChunk(model, 768 + 512, 188),
    );
    // The shard starting one chunk later reproduces the second and third chunks bit for bit.
    const later = simulateShard({ ...params, pathOffset: 1024, pathCount: 444 });
    expect(later).toEqual(whole.subarray(8));
  });
});
