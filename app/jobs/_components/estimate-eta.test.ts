import { describe, expect, it } from 'vitest';
import { estimateEta, recentRate } from './estimate-eta';

const base = { total: 100, failed: 0 };

describe('estimateEta', () => {
  it('extrapolates the rate of the last minute, measured up to now', () => {
    const samples = [
      { at: 10_000, verified: 10 },
      { at: 20_000, verified: 30 },
    ];
    // 20 shards between 10 s and now (20 s) → 2/s; 70 left → 35 s.
    expect(estimateEta({ ...base, samples, verified: 30, now: 20_000 })).toBeCloseTo(35_000);
    // Ten quiet seconds later the same progress reads as 1/s: the estimate grows instead of lying.
    expect(estimateEta({ ...base, samples, verified: 30, now: 30_000 })).toBeCloseTo(70_000);
  });

  it('forgets bursts older than the window', () => {
    const samples = [
      { at: 0, verified: 0 },
      { at: 5_000, verified: 90 },
    ];
    // Nothing in the last minute: no estimate at all (the page says what the job waits for).
    expect(estimateEta({ ...base, samples, verified: 90, now: 120_000 })).toBeNull();
    expect(recentRate(samples, 120_000)).toBe(0);
  });

  it('finishes fast jobs fast: 26 shards in 26 s is 1/s, not a ten-minute wait', () => {
    const samples = Array.from({ length: 27 }, (_, i) => ({ at: i * 1000, verified: i }));
    expect(estimateEta({ total: 30, failed: 0, samples, verified: 26, now: 26_000 })).toBeCloseTo(4000);
  });

  it('has no estimate before the page watched for a second', () => {
    expect(estimateEta({ ...base, samples: [], verified: 0, now: 0 })).toBeNull();
    expect(estimateEta({ ...base, samples: [{ at: 0, verified: 5 }], verified: 5, now: 500 })).toBeNull();
  });

  it('is zero when nothing remains (failed shards count as done)', () => {
    expect(estimateEta({ ...base, samples: [], verified: 90, failed: 10, now: 0 })).toBe(0);
  });
});
