'use client';

import { useMemo, useRef } from 'react';
import { type IdentityStorageMode, openIdentityStorage } from '@/browser/volunteer/identity-storage';
import type { VolunteerState } from '@/browser/volunteer/volunteer-client';
import type { PauseReason } from '@/browser/volunteer/volunteer-conditions';
import { stateDotColour } from '../../_components/donate/state-dot';
import { ThrottleSlider } from '../../_components/donate/throttle-slider';
import { useVolunteer } from '../../_components/donate/use-volunteer';
import { WorkPays } from '../../_components/donate/work-pays';
import { formatCredit } from '../../jobs/_components/format';
import { useVisibleConsent } from './use-visible-consent';

/** The card is a third-party frame: take the best storage the browser allows it (identity-storage.ts). */
const embedStorage = () => openIdentityStorage();

/** What the visitor keeps, in the words the card shows; `local` needs no note. */
const storageNote: Record<IdentityStorageMode, string | null> = {
  local: null,
  partitioned: 'Your browser limits embedded storage: your credit is remembered on this site only.',
  session: 'Your browser blocks storage here: credit counts for this visit only.',
};

const rate = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

function statusText(
  state: VolunteerState,
  pauseReason: PauseReason | null,
  noWork: boolean,
  kernel: string | null,
): string {
  switch (state) {
    case 'idle':
      return 'Lend your spare GPU to real jobs. Nothing runs until you press Donate.';
    case 'starting':
      return 'Starting: preparing your GPU…';
    case 'running':
      return noWork
        ? 'Donating — waiting: nothing this browser may compute right now.'
        : kernel
          ? `Donating: computing ${kernel} shards. Stop whenever you like.`
          : 'Donating. Stop whenever you like.';
    case 'paused':
      return pauseReason === 'battery'
        ? 'Paused: the battery is low and not charging.'
        : 'Paused while this tab is hidden.';
    case 'stopped':
      return 'Stopped. Nothing runs until you press Donate again.';
  }
}

function Stat({
  label,
  value,
  testId,
  title,
}: {
  label: string;
  value: string;
  testId: string;
  title: string;
}) {
  return (
    <div
      className="flex min-w-0 flex-col rounded-md bg-slate-50 px-1.5 py-1 dark:bg-slate-800/70"
      title={title}
    >
      <dt className="truncate text-[11px] leading-4 text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="truncate font-mono text-xs leading-4 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The card fills the iframe (320×280 from the loader) and fits it without scrollbars. */
function Frame({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col gap-2 rounded-xl border border-slate-200 bg-white p-3 text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      {children}
    </main>
  );
}

/** The brand (a link to the site, in a new tab: the card's frame stays put) and whom credit goes to. */
function Header({ site }: { site?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-2">
      <h1 className="shrink-0 text-sm font-semibold tracking-tight">
        <a
          href="/"
          target="_blank"
          rel="noopener noreferrer"
          className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-emerald-600"
        >
          <span aria-hidden="true" className="mr-1 text-emerald-600 dark:text-emerald-400">
            ◆
          </span>
          Spare Cycles<span className="sr-only"> (opens in a new tab)</span>
        </a>
      </h1>
      {site && (
        <p
          className="min-w-0 truncate text-xs text-slate-600 dark:text-slate-400"
          title={`Credit goes to ${site}`}
        >
          for <span data-testid="embed-site">{site}</span>
        </p>
      )}
    </div>
  );
}

/** A widget whose `data-site` is wrong: say what to fix and offer nothing to start. */
export function EmbedSiteError({ message }: { message: string }) {
  return (
    <Frame>
      <Header />
      <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="embed-site-error">
        This widget cannot donate: {message}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Site owner: fix the <code className="font-mono">data-site</code> attribute of the widget&apos;s script
        tag.
      </p>
    </Frame>
  );
}

/**
 * The Donate card inside the widget's iframe. Consent is the Donate click here, in HOST's own
 * document: the host page cannot press it for the visitor. Progress goes to the host page by
 * `postMessage` with the exact `targetOrigin` (null: the card posts nothing). The card listens to no
 * message at all, so nothing outside it can start, stop or steer it.
 */
export function EmbedCard({ site, targetOrigin }: { site: string; targetOrigin: string | null }) {
  const post = useMemo(
    () =>
      targetOrigin
        ? (message: unknown) => {
            if (window.parent !== window) window.parent.postMessage(message, targetOrigin);
          }
        : null,
    [targetOrigin],
  );
  const { view, start, stop, setDutyPercent } = useVolunteer({ site, post, openStorage: embedStorage });
  const active = view.state === 'starting' || view.state === 'running' || view.state === 'paused';
  const throughput = active ? view.throughput : null;
  const fatal = view.lastError?.fatal ? view.lastError : null;
  // Donate counts only when the card was really visible (clickjacking); Stop always works.
  // Observed around the button, whose own opacity drops while it is disabled.
  const donateArea = useRef<HTMLDivElement>(null);
  const consent = useVisibleConsent(donateArea);
  const cpuFallback = view.adapter?.mode === 'cpu';
  const note = view.ready ? storageNote[view.storageMode] : null;

  return (
    <Frame>
      <Header site={site} />
      <p
        role="status"
        aria-live="polite"
        className="flex min-h-8 items-start gap-1.5 text-xs leading-4"
        data-testid="embed-status"
      >
        <span
          aria-hidden="true"
          className={`mt-1 size-2 shrink-0 rounded-full ${fatal ? 'bg-red-500' : stateDotColour[view.state]}`}
        />
        <span className={fatal ? 'text-red-700 dark:text-red-400' : ''}>
          {fatal
            ? `Could not donate: ${fatal.message}`
            : statusText(view.state, view.pauseReason, view.noWork, view.current?.kernel ?? null)}
          {!fatal && active ? (
            <WorkPays
              jobId={view.current?.jobId ?? null}
              compact
              className="ml-1 text-slate-600 dark:text-slate-400"
            />
          ) : null}
        </span>
      </p>
      <div ref={donateArea} className="flex flex-col">
        <button
          type="button"
          onClick={active ? stop : (event) => consent.press(event) && start()}
          disabled={!view.ready || !consent.ready}
          data-state={view.state}
          className={`rounded-lg px-4 py-2 text-sm font-semibold shadow-sm transition-colors disabled:cursor-wait disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 ${
            active
              ? 'bg-slate-800 text-white hover:bg-slate-700 focus-visible:outline-slate-800 dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-white dark:focus-visible:outline-slate-200'
              : 'bg-emerald-700 text-white hover:bg-emerald-800 focus-visible:outline-emerald-700 dark:bg-emerald-500 dark:text-slate-950 dark:hover:bg-emerald-400'
          }`}
        >
          {active ? 'Stop' : consent.note === 'confirm' ? 'Confirm: donate' : 'Donate'}
        </button>
      </div>
      {!active && consent.note === 'covered' ? (
        <p
          role="alert"
          className="text-xs text-amber-800 dark:text-amber-300"
          data-testid="embed-consent-note"
        >
          Nothing started: the card was covered or hidden when Donate was pressed. Press it when you can see
          it.
        </p>
      ) : null}
      {/* The slider's explanation stays for screen readers (aria-describedby) but is not shown: no room. */}
      <div className="[&_p]:sr-only">
        <ThrottleSlider percent={view.dutyPercent} onChange={setDutyPercent} />
      </div>
      {note && (
        <p
          className="text-[11px] leading-4 text-slate-600 dark:text-slate-400"
          data-testid="embed-storage-note"
        >
          {note}
        </p>
      )}
      <dl className="mt-auto grid grid-cols-4 gap-1">
        <Stat
          label="Shards"
          value={String(view.shardsDone)}
          testId="embed-shards"
          title="Shards computed since this card loaded"
        />
        <Stat
          label="Per sec."
          value={throughput ? rate.format(throughput.shardsPerSecond) : '—'}
          testId="embed-throughput"
          title={cpuFallback ? 'Shards per second (CPU fallback)' : 'Shards per second'}
        />
        <Stat
          label="Pending WU"
          value={view.credit ? formatCredit(view.credit.credit.pending) : '—'}
          testId="embed-credit-pending"
          title="Credit waiting for verification, in work units (10⁶ operations)"
        />
        <Stat
          label="Verified WU"
          value={view.credit ? formatCredit(view.credit.credit.verified) : '—'}
          testId="embed-credit-verified"
          title="Verified credit, in work units (10⁶ operations)"
        />
      </dl>
    </Frame>
  );
}
