import { describe, expect, it } from 'vitest';
import { ThroughputWindow } from './volunteer-throughput';

describe('ThroughputWindow', () => {
  it('rates shards and work over the time actually spent running', () => {
    const window = new ThroughputWindow(10_000);
    window.begin(0);
    window.record(500, 2);
    window.record(1000, 4);
    // 2 shards and 6 units in the first 2 s, not diluted over the whole 10 s window.
    expect(window.rate(2000)).toEqual({ shardsPerSecond: 1, workPerSecond: 3, windowMs: 2000 });
  });

  it('forgets samples older than the window', () => {
    const window = new ThroughputWindow(1000);
    window.begin(0);
    window.record(100, 1);
    window.record(1500, 1);
    expect(window.rate(2000)).toEqual({ shardsPerSecond: 1, workPerSecond: 1, windowMs: 1000 });
    expect(window.rate(5000).shardsPerSecond).toBe(0);
  });

  it('restarts the span after a pause', () => {
    const window = new ThroughputWindow(10_000);
    window.begin(0);
    window.record(1000, 1);
    window.begin(8000);
    window.record(8500, 1);
    expect(window.rate(9000)).toEqual({ shardsPerSecond: 1, workPerSecond: 1, windowMs: 1000 });
  });
});
