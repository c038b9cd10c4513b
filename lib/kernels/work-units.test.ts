import { describe, expect, it } from 'vitest';
import { opsToWorkUnits } from './work-units';

describe('opsToWorkUnits', () => {
  it('counts millions of operations without rounding small amounts to zero', () => {
    expect(opsToWorkUnits(2e6)).toBe(2);
    expect(opsToWorkUnits(2)).toBe(2e-6);
  });
});
