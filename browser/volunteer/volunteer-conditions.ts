/**
 * When the volunteer's device would rather not compute: the tab is hidden (the person is doing
 * something else; browsers throttle hidden tabs anyway), or it runs on battery below a threshold.
 * The client asks `pauseReason()` before each shard and re-checks when `subscribe` calls back.
 */
export type PauseReason = 'hidden' | 'battery';

export interface RunConditions {
  /** Why work must pause right now, or null when it may run. */
  pauseReason(): PauseReason | null;
  /** Calls `onChange` whenever the answer may have changed; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/** The part of `BatteryManager` we read (`navigator.getBattery`, Chromium only). */
export interface BatteryLike {
  level: number;
  charging: boolean;
  addEventListener(type: 'levelchange' | 'chargingchange', listener: () => void): void;
  removeEventListener(type: 'levelchange' | 'chargingchange', listener: () => void): void;
}

export interface BrowserConditionsOptions {
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  navigator?: { getBattery?: () => Promise<BatteryLike> };
  /** Pause on battery below this charge, when not charging (default 0.2 = 20 %). */
  batteryThreshold?: number;
}

/** Below this charge on battery, a volunteer's laptop stops donating. */
export const DEFAULT_BATTERY_THRESHOLD = 0.2;

/**
 * Conditions read from the page: `document.visibilityState` and, where the browser has it,
 * `navigator.getBattery()` (absent in Firefox and Safari: then only visibility counts).
 */
export function browserRunConditions(options: BrowserConditionsOptions = {}): RunConditions {
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
  const nav =
    options.navigator ??
    (typeof navigator === 'undefined' ? undefined : (navigator as BrowserConditionsOptions['navigator']));
  const threshold = options.batteryThreshold ?? DEFAULT_BATTERY_THRESHOLD;
  let battery: BatteryLike | null = null;
  const batteryReady = typeof nav?.getBattery === 'function' ? nav.getBattery().catch(() => null) : null;

  return {
    pauseReason() {
      if (doc?.visibilityState === 'hidden') return 'hidden';
      if (battery && !battery.charging && battery.level < threshold) return 'battery';
      return null;
    },
    subscribe(onChange) {
      let active = true;
      doc?.addEventListener('visibilitychange', onChange);
      void batteryReady?.then((found) => {
        if (!found || !active) return;
        battery = found;
        found.addEventListener('levelchange', onChange);
        found.addEventListener('chargingchange', onChange);
        onChange();
      });
      return () => {
        active = false;
        doc?.removeEventListener('visibilitychange', onChange);
        battery?.removeEventListener('levelchange', onChange);
        battery?.removeEventListener('chargingchange', onChange);
      };
    },
  };
}
