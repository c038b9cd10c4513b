/**
 * The messages the `/embed` card posts to the page that embeds it, and the rule by which the loader
 * (`public/widget.js`) accepts them. The loader is plain JavaScript served as is, so it carries its own
 * copy of `acceptWidgetMessage`; `embed-loader.test.ts` runs the real file against this module to keep
 * the two in step.
 *
 * Nothing in them identifies the volunteer or the device (no volunteer id, token or GPU name): the
 * host page learns only that its visitor is donating and how much.
 */

/** Tags our messages among whatever else a page receives through `postMessage`. */
export const WIDGET_MESSAGE_SOURCE = 'spare-cycles';

/** Prefix of the DOM events the loader dispatches: `sparecycles:started` and so on. */
export const WIDGET_EVENT_PREFIX = 'sparecycles:';

/** Credit in work units, as `GET /api/v1/volunteers/me` reports it; null until first read. */
export type WidgetCredit = { pending: number; verified: number } | null;

/** The volunteer pressed Donate and the card is computing (its worker is up). */
export interface WidgetStarted {
  site: string;
}

/** At most once a second while started, when a figure changed. */
export interface WidgetProgress {
  site: string;
  /** `paused`: the tab is hidden or the battery is low; it resumes by itself. */
  state: 'running' | 'paused';
  /** Shards computed since the card loaded. */
  shardsDone: number;
  /** Over the last 30 s of running. */
  shardsPerSecond: number;
  /** Work units (10⁶ operations) per second. */
  workUnitsPerSecond: number;
  credit: WidgetCredit;
}

/** Donating ended: the volunteer pressed Stop (`user`) or the card hit an error it cannot pass (`error`). */
export interface WidgetStopped {
  site: string;
  reason: 'user' | 'error';
  shardsDone: number;
  credit: WidgetCredit;
}

export interface WidgetDetails {
  started: WidgetStarted;
  progress: WidgetProgress;
  stopped: WidgetStopped;
}

export type WidgetMessageType = keyof WidgetDetails;

export const WIDGET_MESSAGE_TYPES: readonly WidgetMessageType[] = ['started', 'progress', 'stopped'];

/** What travels through `postMessage`: `{source: 'spare-cycles', type, detail}`. */
export type WidgetMessage = {
  [T in WidgetMessageType]: { source: typeof WIDGET_MESSAGE_SOURCE; type: T; detail: WidgetDetails[T] };
}[WidgetMessageType];

/** Builds a message for `window.parent.postMessage(message, targetOrigin)`. */
export function widgetMessage<T extends WidgetMessageType>(
  type: T,
  detail: WidgetDetails[T],
): Extract<WidgetMessage, { type: T }> {
  return { source: WIDGET_MESSAGE_SOURCE, type, detail } as Extract<WidgetMessage, { type: T }>;
}

/** The parts of a `MessageEvent` the rule looks at. */
export interface IncomingMessage {
  origin: string;
  source: unknown;
  data: unknown;
}

/**
 * The loader's rule for a `message` event on the host page: only from the widget's own iframe
 * (`source` is its window — not another frame of the same origin) and only from the widget's origin
 * (so a navigated-away iframe cannot speak for it), and only our three message types. Anything else
 * is someone else's message and is left alone. Returns the message to re-dispatch, or null.
 */
export function acceptWidgetMessage(
  event: IncomingMessage,
  widget: { origin: string; window: unknown },
): WidgetMessage | null {
  if (event.origin !== widget.origin || widget.window == null || event.source !== widget.window) return null;
  const data = event.data as { source?: unknown; type?: unknown; detail?: unknown } | null;
  if (typeof data !== 'object' || data === null || data.source !== WIDGET_MESSAGE_SOURCE) return null;
  if (!WIDGET_MESSAGE_TYPES.includes(data.type as WidgetMessageType)) return null;
  if (typeof data.detail !== 'object' || data.detail === null) return null;
  return data as WidgetMessage;
}
