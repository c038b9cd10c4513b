import type { VolunteerMe } from '@/lib/protocol/volunteers';
import type { VolunteerEvents } from '../volunteer/volunteer-client';
import type { Throughput } from '../volunteer/volunteer-throughput';
import { type WidgetCredit, type WidgetMessage, type WidgetProgress, widgetMessage } from './embed-messages';

/** What the reporter reads from a `VolunteerClient` (tests pass a stub). */
export interface ReportedClient {
  on<K extends keyof VolunteerEvents>(type: K, listener: (payload: VolunteerEvents[K]) => void): () => void;
  readonly shardsDone: number;
}

export interface ReportToHostOptions {
  site: string;
  /** Sends one message; the card posts to `window.parent` with the exact host origin. */
  post: (message: WidgetMessage) => void;
  /** The least time between two `progress` messages (default 1000 ms). */
  minIntervalMs?: number;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function toCredit(me: VolunteerMe | null): WidgetCredit {
  return me ? { pending: round(me.credit.pending), verified: round(me.credit.verified) } : null;
}

/**
 * Turns a volunteer client's events into the widget's messages to the host page: `started` once the
 * worker is up after Donate, `progress` (throttled to one per `minIntervalMs`, and only when a
 * figure changed) while started, `stopped` when donating ends. Nothing is posted before Donate, and a
 * start that fails before running posts nothing. Returns the unsubscribe function.
 */
export function reportToHost(client: ReportedClient, options: ReportToHostOptions): () => void {
  const { site, post } = options;
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));

  let active = false;
  let fatal = false;
  let state: WidgetProgress['state'] = 'running';
  let throughput: Throughput | null = null;
  let credit: VolunteerMe | null = null;
  let lastProgressAt = Number.NEGATIVE_INFINITY;
  let lastProgress = '';
  let timer: unknown = null;

  const snapshot = (): WidgetProgress => ({
    site,
    state,
    shardsDone: client.shardsDone,
    shardsPerSecond: round(throughput?.shardsPerSecond ?? 0),
    workUnitsPerSecond: round(throughput?.workPerSecond ?? 0),
    credit: toCredit(credit),
  });

  const cancelPending = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  const flush = () => {
    timer = null;
    if (!active) return;
    const detail = snapshot();
    const key = JSON.stringify(detail);
    if (key === lastProgress) return;
    lastProgress = key;
    lastProgressAt = now();
    post(widgetMessage('progress', detail));
  };

  /** A figure may have changed: post now, or once the interval since the last post is over. */
  const progress = () => {
    if (!active || timer !== null) return;
    const wait = lastProgressAt + minIntervalMs - now();
    if (wait <= 0) flush();
    else timer = setTimer(flush, wait);
  };

  const offs = [
    client.on('state', (event) => {
      if (event.state === 'starting') {
        fatal = false;
      } else if (event.state === 'running' || event.state === 'paused') {
        state = event.state;
        if (!active) {
          active = true;
          lastProgress = '';
          post(widgetMessage('started', { site }));
        }
        progress();
      } else if (event.state === 'stopped' && active) {
        active = false;
        cancelPending();
        post(
          widgetMessage('stopped', {
            site,
            reason: fatal ? 'error' : 'user',
            shardsDone: client.shardsDone,
            credit: toCredit(credit),
          }),
        );
      }
    }),
    client.on('error', (event) => {
      if (event.fatal) fatal = true;
    }),
    client.on('shard', () => progress()),
    client.on('throughput', (value) => {
      throughput = value;
      progress();
    }),
    client.on('credit', (value) => {
      credit = value;
      progress();
    }),
  ];

  return () => {
    cancelPending();
    for (const off of offs) off();
  };
}
