import { describe, expect, it } from 'vitest';
import { rewardTokenUnits } from './reward-token-units';

const rate = 10n ** 15n;

describe('rewardTokenUnits', () => {
  it('multiplies exactly, without float rounding', () => {
    expect(rewardTokenUnits('0.524288', rate)).toBe(524_288_000_000_000n);
    expect(rewardTokenUnits('1', rate)).toBe(rate);
    expect(rewardTokenUnits('123456789.123456789', rate)).toBe(123_456_789_123_456_789_000_000n);
    // 0.1 + 0.2 as floats is 0.30000000000000004; as numeric sums it is exact.
    expect(rewardTokenUnits('0.3', rate)).toBe(300_000_000_000_000n);
  });

  it('rounds down below one token unit', () => {
    expect(rewardTokenUnits('0.0000000000000019', rate)).toBe(1n);
    expect(rewardTokenUnits('0.0000000000000009', rate)).toBe(0n);
    expect(rewardTokenUnits('0.000000000000001', 1n)).toBe(0n);
  });

  it('never decreases when credit grows', () => {
    let previous = 0n;
    for (const units of ['0', '0.000001', '0.0000011', '0.5', '0.5000000000000001', '2', '2.000001']) {
      const amount = rewardTokenUnits(units, 7n);
      expect(amount).toBeGreaterThanOrEqual(previous);
      previous = amount;
    }
  });

  it('rejects what is not a non-negative decimal', () => {
    for (const bad of ['-1', '1e3', 'NaN', '', '1.', '.5']) {
      expect(() => rewardTokenUnits(bad, rate)).toThrow(RangeError);
    }
    expect(() => rewardTokenUnits('1', -1n)).toThrow(RangeError);
  });
});
