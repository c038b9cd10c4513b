import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors';
import { decimalWorkUnits, protocolFee, workUnitsCost } from '../../protocol/job-cost';
import { maxTokenAmount, parseTokenAmount } from './token-amount';

describe('token amounts', () => {
  it('expands float work units to exact decimals', () => {
    expect(decimalWorkUnits(0.004096)).toBe('0.004096');
    expect(decimalWorkUnits(1e-7)).toBe('0.0000001');
    expect(decimalWorkUnits(2.5e-10)).toBe('0.00000000025');
    expect(decimalWorkUnits(1e21)).toBe('1000000000000000000000');
    expect(decimalWorkUnits(268.435456)).toBe('268.435456');
    expect(() => decimalWorkUnits(-1)).toThrow(RangeError);
    expect(() => decimalWorkUnits(Number.NaN)).toThrow(RangeError);
  });

  it('costs floor(price × work units), never more', () => {
    expect(workUnitsCost(0.004096, 10n ** 15n)).toBe(4_096_000_000_000n);
    expect(workUnitsCost(1e-7, 10n ** 6n)).toBe(0n); // 0.1 token unit rounds down
    expect(workUnitsCost(0.3, 10n)).toBe(3n); // no float error (0.3 × 10 = 3.0000000000000004)
    expect(workUnitsCost(0, 10n ** 18n)).toBe(0n);
  });

  it('takes the fee in basis points, rounded down', () => {
    expect(protocolFee(10_000n, 500)).toBe(500n);
    expect(protocolFee(19n, 500)).toBe(0n);
    expect(protocolFee(123n, 0)).toBe(0n);
  });

  it('parses client amounts strictly and refuses what the token could never hold', () => {
    expect(parseTokenAmount('1', 'amount')).toBe(1n);
    expect(parseTokenAmount(maxTokenAmount.toString(), 'amount')).toBe(maxTokenAmount);
    expect(parseTokenAmount('0', 'amount', { allowZero: true })).toBe(0n);
    for (const bad of ['0', '', '1.0', '-1', '1e3', ' 1', (maxTokenAmount + 1n).toString(), '9'.repeat(40)]) {
      expect(() => parseTokenAmount(bad, 'amount'), bad).toThrow(ApiError);
    }
  });
});
