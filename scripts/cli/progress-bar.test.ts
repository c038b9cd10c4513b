import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-bar';

describe('progressLine', () => {
  it('fills the bar in proportion to verified shards', () => {
    expect(
      progressLine({ status: 'running', progress: { total: 4, verified: 2, failed: 0, running: 1 } }, 8),
    ).toBe('[████░░░░] 2/4 verified · 1 running · running');
  });

  it('shows failed shards and a finished job', () => {
    expect(
      progressLine({ status: 'failed', progress: { total: 4, verified: 3, failed: 1, running: 0 } }, 8),
    ).toBe('[██████✗✗] 3/4 verified · 1 failed · failed');
    expect(
      progressLine({ status: 'completed', progress: { total: 1, verified: 1, failed: 0, running: 0 } }, 4),
    ).toBe('[████] 1/1 verified · completed');
  });
});
