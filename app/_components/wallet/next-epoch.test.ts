import { describe, expect, it } from 'vitest';
import { nextEpochAt } from './next-epoch';

describe('nextEpochAt', () => {
  it('adds the median gap to the latest publication', () => {
    expect(nextEpochAt(['2026-01-01T03:00:00Z', '2026-01-01T02:00:00Z', null, '2026-01-01T00:30:00Z'])).toBe(
      Date.parse('2026-01-01T04:00:00Z'),
    );
  });

  it('has no schedule to read from fewer than two publications', () => {
    expect(nextEpochAt([])).toBeNull();
    expect(nextEpochAt(['2026-01-01T03:00:00Z', null])).toBeNull();
  });
});
