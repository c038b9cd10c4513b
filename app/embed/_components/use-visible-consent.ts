'use client';

import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';

/**
 * Consent that a host page cannot fake. `/embed` may be framed by any site, so a host could lay the
 * card under a decoy (`pointer-events: none`), make it transparent, or shrink it, and trick the
 * visitor into pressing Donate. A press counts only when the button was really visible:
 * - where the browser has IntersectionObserver v2 (`trackVisibility`, Chromium), only while its
 *   latest report says the button is on screen, unoccluded, at full opacity and untransformed, and
 *   has been for `minVisibleMs`;
 * - elsewhere, only as a second, confirming press 0.4–10 s after the first, on a button whose
 *   label changed in between (a double-click trap or a single tricked click does not do it);
 * - framed by another origin, both: Chromium runs a cross-site frame in its own process, and there
 *   IntersectionObserver v2 does not see the host page's `opacity` on the frame, so a transparent
 *   card still reports visible; the confirming press (itself visible) is asked for as well.
 * Either way the press must be the visitor's (`isTrusted`) in a document they are looking at.
 *
 * `press` returns true when the press counts; `ready` stays false until the first visibility report
 * (and, when that says visible, for `minVisibleMs` more), so a visitor — or a test — pressing as
 * soon as the button is enabled is not refused for pressing too early.
 */
export type ConsentNote = 'covered' | 'confirm' | null;

const minVisibleMs = 500;
const confirmWindowMs = [400, 10_000] as const;

interface VisibilityEntry extends IntersectionObserverEntry {
  readonly isVisible?: boolean;
}

export function hasVisibilityTracking(): boolean {
  return (
    typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype
  );
}

/** Whether this document is framed by a page of another origin (any ancestor). */
export function framedByAnotherOrigin(): boolean {
  if (window.top === window) return false;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors) return Array.from(ancestors).some((origin) => origin !== window.location.origin);
  try {
    return window.top?.location.origin !== window.location.origin;
  } catch {
    return true; // reading another origin's location throws
  }
}

export function useVisibleConsent(target: RefObject<HTMLElement | null>): {
  ready: boolean;
  note: ConsentNote;
  press: (event: { isTrusted: boolean }) => boolean;
} {
  const [tracking] = useState(() => (typeof window === 'undefined' ? false : hasVisibilityTracking()));
  const [confirming] = useState(() =>
    typeof window === 'undefined' ? true : !hasVisibilityTracking() || framedByAnotherOrigin(),
  );
  const [ready, setReady] = useState(false);
  const [note, setNote] = useState<ConsentNote>(null);
  const visibleSince = useRef<number | null>(null);
  const firstPressAt = useRef<number | null>(null);

  useEffect(() => {
    const element = target.current;
    if (!element) return;
    if (!tracking) {
      setReady(true);
      return;
    }
    let readyTimer: ReturnType<typeof setTimeout> | undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries.at(-1) as VisibilityEntry | undefined;
        if (!entry) return;
        const visible = entry.isIntersecting && entry.intersectionRatio >= 0.99 && entry.isVisible === true;
        if (!visible) {
          visibleSince.current = null;
          setReady(true);
        } else if (visibleSince.current === null) {
          visibleSince.current = performance.now();
          readyTimer = setTimeout(() => setReady(true), minVisibleMs);
        }
      },
      // `trackVisibility` needs `delay` ≥ 100 ms; the DOM typings predate IntersectionObserver v2.
      { threshold: [0, 0.99, 1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(readyTimer);
    };
  }, [target, tracking]);

  const press = useCallback(
    (event: { isTrusted: boolean }) => {
      if (!event.isTrusted || document.visibilityState !== 'visible') return false;
      const now = performance.now();
      if (tracking) {
        const since = visibleSince.current;
        const visible = since !== null && now - since >= minVisibleMs;
        if (!visible) {
          firstPressAt.current = null;
          setNote('covered');
          return false;
        }
        if (!confirming) {
          setNote(null);
          return true;
        }
      }
      const first = firstPressAt.current;
      if (first !== null && now - first >= confirmWindowMs[0] && now - first <= confirmWindowMs[1]) {
        firstPressAt.current = null;
        setNote(null);
        return true;
      }
      firstPressAt.current = now;
      setNote('confirm');
      return false;
    },
    [tracking, confirming],
  );

  return { ready, note, press };
}
