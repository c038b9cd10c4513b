import { describe, expect, it } from 'vitest';
import { backoffDelay } from './volunteer-backoff';

describe('backoffDelay', () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it('doubles each attempt, up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, options, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
  });

  it('never waits less than half a step (equal jitter)', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(2000);
    expect(backoffDelay(2, options, () => 0.5)).toBe(3000);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, options, () => 1)).toBe(1000);
  });
});
