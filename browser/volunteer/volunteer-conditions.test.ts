import { describe, expect, it } from 'vitest';
import { type BatteryLike, browserRunConditions } from './volunteer-conditions';

// Vitest runs in Node, which has neither a document nor a battery: both are small fakes with the
// same surface (visibilityState + visibilitychange, BatteryManager's level/charging + events).

class FakeTarget {
  private readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  count(type: string) {
    return this.listeners.get(type)?.size ?? 0;
  }
}

class FakeDocument extends FakeTarget {
  visibilityState: DocumentVisibilityState = 'visible';
}

class FakeBattery extends FakeTarget implements BatteryLike {
  level = 1;
  charging = true;
}

describe('browserRunConditions', () => {
  it('pauses while the page is hidden', () => {
    const document = new FakeDocument();
    const conditions = browserRunConditions({ document: document as unknown as Document, navigator: {} });
    let changes = 0;
    const unsubscribe = conditions.subscribe(() => changes++);
    expect(conditions.pauseReason()).toBeNull();
    document.visibilityState = 'hidden';
    document.fire('visibilitychange');
    expect(changes).toBe(1);
    expect(conditions.pauseReason()).toBe('hidden');
    unsubscribe();
    expect(document.count('visibilitychange')).toBe(0);
  });

  it('pauses on battery below the threshold, not while charging', async () => {
    const battery = new FakeBattery();
    const conditions = browserRunConditions({
      document: new FakeDocument() as unknown as Document,
      navigator: { getBattery: async () => battery },
      batteryThreshold: 0.2,
    });
    let changes = 0;
    const unsubscribe = conditions.subscribe(() => changes++);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(changes).toBe(1); // once the battery is known
    battery.level = 0.15;
    battery.fire('levelchange');
    expect(conditions.pauseReason()).toBeNull(); // still charging
    battery.charging = false;
    battery.fire('chargingchange');
    expect(conditions.pauseReason()).toBe('battery');
    battery.level = 0.25;
    battery.fire('levelchange');
    expect(conditions.pauseReason()).toBeNull();
    expect(changes).toBe(4);
    unsubscribe();
    expect(battery.count('levelchange')).toBe(0);
    expect(battery.count('chargingchange')).toBe(0);
  });

  it('works where there is no battery API', () => {
    const conditions = browserRunConditions({
      document: new FakeDocument() as unknown as Document,
      navigator: {},
    });
    expect(conditions.pauseReason()).toBeNull();
  });
});
