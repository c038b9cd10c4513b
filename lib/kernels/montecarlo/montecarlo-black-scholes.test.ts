import { describe, expect, it } from 'vitest';
import { blackScholesPrice, normalCdf } from './montecarlo-black-scholes';

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [1.959963984540054, 0.975],
    [-3, 0.0013498980316301],
    [-8, 6.22096057427178e-16],
    [10, 1],
    [-40, 0],
  ])('Φ(%d) = %d', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-14 + 1e-12 * expected);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    for (let x = -6; x <= 6; x += 0.37) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 14);
  });
});

describe('blackScholesPrice', () => {
  const option = { spot: 100, strike: 100, rate: 0.05, volatility: 0.2, maturity: 1 };

  it('gives the textbook values (Hull: S = K = 100, r = 5 %, σ = 20 %, T = 1)', () => {
    expect(blackScholesPrice({ ...option, optionType: 'call' })).toBeCloseTo(10.450583572185565, 10);
    expect(blackScholesPrice({ ...option, optionType: 'put' })).toBeCloseTo(5.573526022256971, 10);
  });

  it('satisfies put–call parity: C − P = S − K·e^{−rT}', () => {
    for (const [spot, strike, rate, volatility, maturity] of [
      [100, 80, 0.03, 0.4, 2],
      [50, 70, -0.01, 0.1, 0.25],
      [1e6, 5e5, 0.25, 1, 10],
    ] as const) {
      const params = { spot, strike, rate, volatility, maturity };
      const call = blackScholesPrice({ ...params, optionType: 'call' });
      const put = blackScholesPrice({ ...params, optionType: 'put' });
      expect(call - put).toBeCloseTo(spot - strike * Math.exp(-rate * maturity), 6);
    }
  });
});
