'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { reportToHost } from '@/browser/embed/embed-reporter';
import {
  type IdentityStorageMode,
  type OpenedIdentityStorage,
  usableLocalStorage,
} from '@/browser/volunteer/identity-storage';
import {
  VolunteerClient,
  type VolunteerErrorEvent,
  type VolunteerEvents,
  type VolunteerState,
} from '@/browser/volunteer/volunteer-client';
import type { PauseReason } from '@/browser/volunteer/volunteer-conditions';
import type { Throughput } from '@/browser/volunteer/volunteer-throughput';
import type { VolunteerMe } from '@/lib/protocol/volunteers';
import type { AdapterSummary } from '@/workers/compute-api';
import { saveDutyPercent, storedDutyPercent, workerBackend } from './volunteer-backend';

/** Sparkline length: one sample a second for a minute. */
export const HISTORY_SAMPLES = 60;
const LOG_LIMIT = 5000;

/** Every client event with its time (`performance.now()`), newest last. */
export interface LoggedEvent {
  type: keyof VolunteerEvents;
  at: number;
  payload: unknown;
}

declare global {
  interface Window {
    /**
     * Debugging hook (also what the e2e tests read): the page's volunteer client and its recent
     * events. Holds nothing the page does not already show.
     */
    spareCycles?: { client: VolunteerClient; events: LoggedEvent[]; storageMode: IdentityStorageMode };
  }
}

/** The shard most recently computed here: what the volunteer is helping right now. */
export interface CurrentWork {
  jobId: string;
  kernel: string;
  /** Shards of this job computed in this browser since the page loaded. */
  shardsHere: number;
}

export interface VolunteerView {
  state: VolunteerState;
  pauseReason: PauseReason | null;
  adapter: AdapterSummary | null;
  shardsDone: number;
  throughput: Throughput | null;
  /** Shards per second, one sample a second, oldest first. */
  history: number[];
  credit: VolunteerMe | null;
  lastError: VolunteerErrorEvent | null;
  /** Waiting because the coordinator has no work. */
  noWork: boolean;
  dutyPercent: number;
  current: CurrentWork | null;
  /** Where the identity is kept, so the page can say what the visitor keeps. */
  storageMode: IdentityStorageMode;
  /** Time this browser spent donating (running, not paused), over every visit where storage allows. */
  donatedMs: number;
  /** The client exists (the page hydrated): before this a click would be lost. */
  ready: boolean;
}

const initialView: VolunteerView = {
  state: 'idle',
  pauseReason: null,
  adapter: null,
  shardsDone: 0,
  throughput: null,
  history: [],
  credit: null,
  lastError: null,
  noWork: false,
  dutyPercent: 100,
  current: null,
  storageMode: 'local',
  donatedMs: 0,
  ready: false,
};

/** Where the donate page keeps the time donated (ms, one number for this browser). */
const DONATED_MS_KEY = 'spare-cycles.donated-ms';

export interface UseVolunteerOptions {
  /** The embedding site (the widget): attribution, and its own stored identity. */
  site?: string;
  /** Reports the client's events to the host page (the widget); null or absent: nobody is told. */
  post?: ((message: unknown) => void) | null;
  /** Where the identity lives; default `localStorage` when usable (the donate page is first-party). */
  openStorage?: () => OpenedIdentityStorage;
}

function defaultStorage(): OpenedIdentityStorage {
  const storage = usableLocalStorage();
  return storage ? { storage, mode: 'local' } : { storage: null, mode: 'session' };
}

/**
 * Asks for unpartitioned storage (Storage Access API) inside the Donate click, when the document has
 * only partitioned or no storage. Not awaited: a browser may show a prompt, and donating does not
 * wait for the answer. Resolves to the granted `localStorage`, or null.
 */
function requestStorageAccess(): Promise<Storage | null> {
  const request = (
    document as Document & {
      requestStorageAccess?: (types?: {
        localStorage: boolean;
      }) => Promise<{ localStorage?: Storage } | undefined>;
    }
  ).requestStorageAccess;
  if (typeof request !== 'function') return Promise.resolve(null);
  return request
    .call(document, { localStorage: true })
    .then((handle) => handle?.localStorage ?? usableLocalStorage())
    .catch(() => null);
}

/**
 * The donate page's and the widget card's one binding to a `VolunteerClient`: one client per page,
 * its events folded into a view. Creating the client touches nothing; on mount it only reads a
 * returning volunteer's credit (`GET /volunteers/me`, when an identity is stored). Work starts on
 * `start()` alone — the Donate click.
 */
export function useVolunteer({ site, post = null, openStorage = defaultStorage }: UseVolunteerOptions = {}) {
  const clientRef = useRef<VolunteerClient | null>(null);
  const modeRef = useRef<IdentityStorageMode>('local');
  const latestThroughput = useRef<Throughput | null>(null);
  const idle = useRef(false);
  const [view, setView] = useState<VolunteerView>(initialView);

  // biome-ignore lint/correctness/useExhaustiveDependencies: openStorage is read once per client
  useEffect(() => {
    const dutyPercent = storedDutyPercent();
    const { storage, mode } = openStorage();
    modeRef.current = mode;
    const client = new VolunteerClient({ ...workerBackend(), site, storage, duty: dutyPercent / 100 });
    clientRef.current = client;
    const events: LoggedEvent[] = [];
    window.spareCycles = { client, events, storageMode: mode };
    const log = (type: keyof VolunteerEvents) => (payload: unknown) => {
      events.push({ type, at: performance.now(), payload });
      if (events.length > LOG_LIMIT) events.splice(0, events.length - LOG_LIMIT);
    };
    const unsubscribe = [
      ...(['state', 'adapter', 'shard', 'submitted', 'throughput', 'credit', 'noWork', 'error'] as const).map(
        (type) => client.on(type, log(type)),
      ),
      client.on('state', ({ state, pauseReason }) =>
        setView((v) => ({
          ...v,
          state,
          pauseReason,
          ...(state === 'starting' ? { lastError: null } : {}),
          // Stopped: no trailing rate, and the queue-empty note no longer applies.
          ...(state === 'stopped' ? { throughput: null, noWork: false } : {}),
        })),
      ),
      client.on('adapter', (adapter) => setView((v) => ({ ...v, adapter }))),
      client.on('shard', (shard) => {
        idle.current = false;
        setView((v) => ({
          ...v,
          shardsDone: client.shardsDone,
          noWork: false,
          current: {
            jobId: shard.jobId,
            kernel: shard.kernel,
            shardsHere: v.current?.jobId === shard.jobId ? v.current.shardsHere + 1 : 1,
          },
        }));
      }),
      client.on('throughput', (throughput) => {
        // While the queue is empty the window still holds the last busy half-minute: show nothing.
        if (idle.current) return;
        latestThroughput.current = throughput;
        setView((v) => ({ ...v, throughput }));
      }),
      client.on('credit', (credit) => setView((v) => ({ ...v, credit }))),
      // An empty queue: the rates trail off to nothing rather than repeating the last busy minute.
      client.on('noWork', () => {
        idle.current = true;
        latestThroughput.current = null;
        setView((v) => ({ ...v, noWork: true, throughput: null }));
      }),
      client.on('error', (lastError) => setView((v) => ({ ...v, lastError }))),
      ...(post ? [reportToHost(client, { site: site ?? '', post })] : []),
    ];
    const store = mode === 'local' ? storage : null;
    let donatedMs = Number(store?.getItem(DONATED_MS_KEY) ?? 0) || 0;
    setView((v) => ({ ...v, dutyPercent, storageMode: mode, donatedMs, ready: true }));
    void client.refreshCredit();

    // The sparkline samples once a second while started, so its x axis is time.
    const sampler = setInterval(() => {
      if (client.state !== 'running' && client.state !== 'paused') return;
      if (client.state === 'running') {
        donatedMs += 1000;
        if (donatedMs % 10_000 === 0) {
          try {
            store?.setItem(DONATED_MS_KEY, String(donatedMs));
          } catch {
            // storage full or revoked: the figure lasts for this visit
          }
        }
      }
      const sample = latestThroughput.current?.shardsPerSecond ?? 0;
      setView((v) => ({ ...v, donatedMs, history: [...v.history, sample].slice(-HISTORY_SAMPLES) }));
    }, 1000);

    return () => {
      clearInterval(sampler);
      for (const off of unsubscribe) off();
      void client.stop();
      if (window.spareCycles?.client === client) window.spareCycles = undefined;
      clientRef.current = null;
    };
  }, [site, post]);

  const start = useCallback(() => {
    idle.current = false;
    setView((v) => ({ ...v, history: [], noWork: false }));
    const client = clientRef.current;
    if (!client) return;
    if (modeRef.current !== 'local') {
      void requestStorageAccess().then((granted) => {
        if (!granted || clientRef.current !== client) return;
        client.upgradeStorage(granted);
        modeRef.current = 'local';
        setView((v) => ({ ...v, storageMode: 'local' }));
      });
    }
    void client.start();
  }, []);

  const stop = useCallback(() => {
    void clientRef.current?.stop();
  }, []);

  const setDutyPercent = useCallback((percent: number) => {
    clientRef.current?.setDuty(percent / 100);
    setView((v) => ({ ...v, dutyPercent: percent }));
    saveDutyPercent(percent);
  }, []);

  return { view, start, stop, setDutyPercent };
}
