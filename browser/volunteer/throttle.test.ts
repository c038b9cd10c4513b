import { describe, expect, it } from 'vitest';
import { clampDuty, DutyCycleThrottle, idleMsAfter, measureDutyCycle } from './throttle';

describe('idleMsAfter', () => {
  it('owes t·(1−d)/d of idle', () => {
    expect(idleMsAfter(30, 0.3)).toBeCloseTo(70);
    expect(idleMsAfter(100, 0.5)).toBeCloseTo(100);
    expect(idleMsAfter(10, 0.1)).toBeCloseTo(90);
  });

  it('owes nothing at full speed or for no compute', () => {
    expect(idleMsAfter(250, 1)).toBe(0);
    expect(idleMsAfter(0, 0.2)).toBe(0);
    expect(idleMsAfter(-5, 0.2)).toBe(0);
  });

  it('clamps the duty into 10–100 %', () => {
    expect(clampDuty(0)).toBe(0.1);
    expect(clampDuty(0.05)).toBe(0.1);
    expect(clampDuty(2)).toBe(1);
    expect(clampDuty(Number.NaN)).toBe(1);
    expect(idleMsAfter(10, 0.01)).toBeCloseTo(90);
  });
});

describe('DutyCycleThrottle', () => {
  it('owes nothing before the first shard', () => {
    expect(new DutyCycleThrottle(0.3).idleRemaining(1000)).toBe(0);
  });

  it('counts time already spent between shards as idle', () => {
    const throttle = new DutyCycleThrottle(0.25);
    throttle.recordCompute(100, 1000); // owes 300 ms
    expect(throttle.idleRemaining(1000)).toBeCloseTo(300);
    expect(throttle.idleRemaining(1120)).toBeCloseTo(180);
    expect(throttle.idleRemaining(1400)).toBe(0);
  });

  it('applies a new duty to the idle still owed', () => {
    const throttle = new DutyCycleThrottle(0.5);
    throttle.recordCompute(100, 0);
    expect(throttle.idleRemaining(0)).toBeCloseTo(100);
    throttle.setDuty(0.1);
    expect(throttle.idleRemaining(0)).toBeCloseTo(900);
    throttle.setDuty(1);
    expect(throttle.idleRemaining(0)).toBe(0);
    throttle.reset();
    throttle.setDuty(0.1);
    expect(throttle.idleRemaining(0)).toBe(0);
  });

  it('makes up for an idle that ran long with a shorter next one', () => {
    const throttle = new DutyCycleThrottle(0.5);
    throttle.recordCompute(100, 100); // shard 1: 0–100, owes 100 ms
    // The timer fired 30 ms late: shard 2 ran 230–330.
    throttle.recordCompute(100, 330);
    // Over the window 200 ms of compute needs 400 ms: shard 3 may start at 400, after 70 ms, not 100.
    expect(throttle.idleRemaining(330)).toBeCloseTo(70);
  });

  it('gives no credit for time before the window (no burst after a wait for work)', () => {
    const throttle = new DutyCycleThrottle(0.5, 1000);
    throttle.recordCompute(100, 100);
    // A long wait for work, then shard 2 at 5000–5100: it alone is in the window.
    throttle.recordCompute(100, 5100);
    expect(throttle.idleRemaining(5100)).toBeCloseTo(100);
  });

  it.each([0.1, 0.3, 0.5, 0.8, 1])(
    'a simulated run at duty %s, with late timers and uneven shards, measures within 2 percent of it',
    (duty) => {
      // A deterministic loop with uneven shard times, overhead between shards (leasing, fetching
      // inputs) and timers that fire up to 15 ms late, as a busy browser's do.
      const throttle = new DutyCycleThrottle(duty);
      const intervals = [];
      let now = 0;
      let seed = 7;
      for (let i = 0; i < 300; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const computeMs = 10 + (seed % 120);
        now += seed % 3;
        const wait = throttle.idleRemaining(now);
        if (wait > 0) now += wait + ((seed >> 8) % 16);
        intervals.push({ startedAt: now, finishedAt: now + computeMs });
        now += computeMs;
        throttle.recordCompute(computeMs, now);
      }
      const measured = measureDutyCycle(intervals)!;
      expect(Math.abs(measured - duty) / duty).toBeLessThan(0.02);
    },
  );
});

describe('measureDutyCycle', () => {
  it('counts whole cycles only', () => {
    expect(
      measureDutyCycle([
        { startedAt: 0, finishedAt: 30 },
        { startedAt: 100, finishedAt: 150 },
        { startedAt: 266, finishedAt: 400 },
      ]),
    ).toBeCloseTo(80 / 266);
  });

  it('needs two shards', () => {
    expect(measureDutyCycle([])).toBeNull();
    expect(measureDutyCycle([{ startedAt: 0, finishedAt: 5 }])).toBeNull();
  });

  it('does not depend on the order the intervals are given in', () => {
    const a = { startedAt: 0, finishedAt: 10 };
    const b = { startedAt: 40, finishedAt: 50 };
    expect(measureDutyCycle([b, a])).toBeCloseTo(0.25);
  });
});
