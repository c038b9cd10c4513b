import { describe, expect, it } from 'vitest';
import { isTrusted, knownAnswerProbability, skipReplicationProbability } from './trust-rules';

describe('trust rules', () => {
  it('trusts after 10 consecutive valid results and skips replication with probability 1 − 1/CV, capped', () => {
    expect(isTrusted(9)).toBe(false);
    expect(isTrusted(10)).toBe(true);
    expect(skipReplicationProbability(0)).toBe(0);
    expect(skipReplicationProbability(9)).toBe(0);
    expect(skipReplicationProbability(10)).toBeCloseTo(0.9);
    expect(skipReplicationProbability(20)).toBeCloseTo(0.95);
    expect(skipReplicationProbability(10_000)).toBeCloseTo(0.95);
  });

  it('issues known-answer shards less often as reputation grows', () => {
    expect(knownAnswerProbability(0, 0.05)).toBeCloseTo(0.05);
    expect(knownAnswerProbability(10, 0.05)).toBeCloseTo(0.025);
    expect(knownAnswerProbability(90, 0.05)).toBeCloseTo(0.005);
  });
});
