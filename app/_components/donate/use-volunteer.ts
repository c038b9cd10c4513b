'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { VolunteerMe } from '@/lib/protocol/volunteers';
import type { AdapterSummary } from '@/workers/compute-api';
import {
  VolunteerClient,
  type VolunteerErrorEvent,
  type VolunteerEvents,
  type VolunteerState,
} from '@/workers/volunteer-client';
import type { PauseReason } from '@/workers/volunteer-conditions';
import type { Throughput } from '@/workers/volunteer-throughput';
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
    spareCycles?: { client: VolunteerClient; events: LoggedEvent[] };
  }
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
  /** The job of the shard computed last (to say whether the work pays). */
  lastJobId: string | null;
  lastError: VolunteerErrorEvent | null;
  /** Waiting because the coordinator has no work. */
  noWork: boolean;
  dutyPercent: number;
}

const initialView: VolunteerView = {
  state: 'idle',
  pauseReason: null,
  adapter: null,
  shardsDone: 0,
  throughput: null,
  history: [],
  credit: null,
  lastJobId: null,
  lastError: null,
  noWork: false,
  dutyPercent: 100,
};

/**
 * The donate page's binding to a `VolunteerClient`: one client per page, its events folded into
 * a view. Creating the client touches nothing; on mount it only reads a returning volunteer's
 * credit (`GET /volunteers/me`, when an identity is stored). Work starts on `start()` alone.
 */
export function useVolunteer() {
  const clientRef = useRef<VolunteerClient | null>(null);
  const latestThroughput = useRef<Throughput | null>(null);
  const [view, setView] = useState<VolunteerView>(initialView);

  useEffect(() => {
    const dutyPercent = storedDutyPercent();
    const client = new VolunteerClient({
      ...workerBackend(),
      duty: dutyPercent / 100,
    });
    clientRef.current = client;
    const events: LoggedEvent[] = [];
    window.spareCycles = { client, events };
    const log = (type: keyof VolunteerEvents) => (payload: unknown) => {
      events.push({ type, at: performance.now(), payload });
      if (events.length > LOG_LIMIT) events.splice(0, events.length - LOG_LIMIT);
    };
    const unsubscribe = [
      ...(['state', 'adapter', 'shard', 'submitted', 'throughput', 'credit', 'noWork', 'error'] as const).map(
        (type) => client.on(type, log(type)),
      ),
      client.on('state', ({ state, pauseReason }) =>
        setView((v) => ({ ...v, state, pauseReason, ...(state === 'starting' ? { lastError: null } : {}) })),
      ),
      client.on('adapter', (adapter) => setView((v) => ({ ...v, adapter }))),
      client.on('shard', (shard) =>
        setView((v) => ({ ...v, shardsDone: client.shardsDone, noWork: false, lastJobId: shard.jobId })),
      ),
      client.on('throughput', (throughput) => {
        latestThroughput.current = throughput;
        setView((v) => ({ ...v, throughput }));
      }),
      client.on('credit', (credit) => setView((v) => ({ ...v, credit }))),
      client.on('noWork', () => setView((v) => ({ ...v, noWork: true }))),
      client.on('error', (lastError) => setView((v) => ({ ...v, lastError }))),
    ];
    setView((v) => ({ ...v, dutyPercent }));
    void client.refreshCredit();

    // The sparkline samples once a second while started, so its x axis is time.
    const sampler = setInterval(() => {
      if (client.state !== 'running' && client.state !== 'paused') return;
      const sample = latestThroughput.current?.shardsPerSecond ?? 0;
      setView((v) => ({ ...v, history: [...v.history, sample].slice(-HISTORY_SAMPLES) }));
    }, 1000);

    return () => {
      clearInterval(sampler);
      for (const off of unsubscribe) off();
      void client.stop();
      if (window.spareCycles?.client === client) window.spareCycles = undefined;
      clientRef.current = null;
    };
  }, []);

  const start = useCallback(() => {
    setView((v) => ({ ...v, history: [], noWork: false }));
    void clientRef.current?.start();
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
