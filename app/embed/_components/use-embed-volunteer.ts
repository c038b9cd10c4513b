'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { VolunteerMe } from '@/lib/protocol/volunteers';
import { reportToHost } from '@/workers/embed-reporter';
import { VolunteerClient, type VolunteerErrorEvent, type VolunteerState } from '@/workers/volunteer-client';
import type { PauseReason } from '@/workers/volunteer-conditions';
import type { Throughput } from '@/workers/volunteer-throughput';
import {
  saveDutyPercent,
  storedDutyPercent,
  workerBackend,
} from '../../_components/donate/volunteer-backend';

export interface EmbedView {
  state: VolunteerState;
  pauseReason: PauseReason | null;
  shardsDone: number;
  throughput: Throughput | null;
  credit: VolunteerMe | null;
  /** The job of the shard computed last (to say whether the work pays). */
  lastJobId: string | null;
  lastError: VolunteerErrorEvent | null;
  noWork: boolean;
  dutyPercent: number;
  cpuFallback: boolean;
  /** The client exists (the page hydrated): before this a click would be lost. */
  ready: boolean;
}

const initialView: EmbedView = {
  state: 'idle',
  pauseReason: null,
  shardsDone: 0,
  throughput: null,
  credit: null,
  lastJobId: null,
  lastError: null,
  noWork: false,
  dutyPercent: 100,
  cpuFallback: false,
  ready: false,
};

/**
 * The widget card's binding to a `VolunteerClient` for `site` (its identity is stored per site, and
 * registration names the site, so credit is attributed to it), with its events reported to the host
 * page through `post` (null: report nothing). As on the donate page, nothing is registered, leased
 * or computed, and no worker exists, before `start()` — the Donate click inside this frame.
 */
export function useEmbedVolunteer(site: string, post: ((message: unknown) => void) | null) {
  const clientRef = useRef<VolunteerClient | null>(null);
  const [view, setView] = useState<EmbedView>(initialView);

  useEffect(() => {
    const dutyPercent = storedDutyPercent();
    const client = new VolunteerClient({
      site,
      ...workerBackend(),
      duty: dutyPercent / 100,
    });
    clientRef.current = client;
    const unsubscribe = [
      client.on('state', ({ state, pauseReason }) =>
        setView((v) => ({ ...v, state, pauseReason, ...(state === 'starting' ? { lastError: null } : {}) })),
      ),
      client.on('adapter', (adapter) => setView((v) => ({ ...v, cpuFallback: adapter.mode === 'cpu' }))),
      client.on('shard', (shard) =>
        setView((v) => ({ ...v, shardsDone: client.shardsDone, noWork: false, lastJobId: shard.jobId })),
      ),
      client.on('throughput', (throughput) => setView((v) => ({ ...v, throughput }))),
      client.on('credit', (credit) => setView((v) => ({ ...v, credit }))),
      client.on('noWork', () => setView((v) => ({ ...v, noWork: true }))),
      client.on('error', (lastError) => setView((v) => ({ ...v, lastError }))),
      ...(post ? [reportToHost(client, { site, post })] : []),
    ];
    setView((v) => ({ ...v, dutyPercent, ready: true }));
    // A returning visitor's credit for this site (a read: no registration, no lease).
    void client.refreshCredit();
    return () => {
      for (const off of unsubscribe) off();
      void client.stop();
      clientRef.current = null;
    };
  }, [site, post]);

  const start = useCallback(() => {
    setView((v) => ({ ...v, noWork: false }));
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
