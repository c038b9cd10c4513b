import { describe, expect, it } from 'vitest';
import { estimateEta } from './estimate-eta';

const base = { total: 100, failed: 0, createdAt: 0, now: 60_000 };

describe('estimateEta', () => {
  it('extrapolates the rate seen while watching', () => {
    const samples = [
      { at: 10_000, verified: 10 },
      { at: 20_000, verified: 30 },
    ];
    // 20 shards in 10 s → 2/s; 70 left → 35 s.
    expect(estimateEta({ ...base, samples, verified: 30 })).toBeCloseTo(35_000);
  });

  it('falls back to the average since creation before any progress was seen', () => {
    // 50 shards in 60 s; 50 left → 60 s.
    expect(estimateEta({ ...base, samples: [{ at: 60_000, verified: 50 }], verified: 50 })).toBeCloseTo(
      60_000,
    );
  });

  it('has no estimate before the first verified shard', () => {
    expect(estimateEta({ ...base, samples: [], verified: 0 })).toBeNull();
  });

  it('is zero when nothing remains (failed shards count as done)', () => {
    expect(estimateEta({ ...base, samples: [], verified: 90, failed: 10 })).toBe(0);
  });
});
