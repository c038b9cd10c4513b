'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatUnits as formatCycleUnits } from 'viem';
import { pageIdentity } from '@/browser/volunteer/page-identity';
import type { VolunteerState } from '@/browser/volunteer/volunteer-client';
import type { PauseReason } from '@/browser/volunteer/volunteer-conditions';
import { browserApi } from '@/lib/api/api-call';
import { getJob } from '@/lib/api/jobs-api';
import { fetchHistory } from '@/lib/api/volunteer-api';
import type { AdapterSummary } from '@/workers/compute-api';
import { formatDuration } from '../../jobs/_components/format';
import { DailyCreditChart } from './daily-credit-chart';
import { stateDotColour } from './state-dot';
import { ThrottleSlider } from './throttle-slider';
import { ThroughputSparkline } from './throughput-sparkline';
import { useVolunteer } from './use-volunteer';
import { WorkPays } from './work-pays';

const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** Work units are 10⁶ operations (lib/kernels/work-units.ts). */
function formatUnits(units: number): string {
  return units >= 10_000 ? compact.format(units) : decimal.format(units);
}

export function deviceLabel(adapter: AdapterSummary | null): string {
  if (!adapter) return '—';
  if (adapter.mode === 'cpu') return 'CPU fallback';
  const name = adapter.description || [adapter.vendor, adapter.architecture].filter(Boolean).join(' ');
  return `${name || 'WebGPU adapter'}${adapter.fallback ? ' (software GPU)' : ''}`;
}

function statusText(state: VolunteerState, pauseReason: PauseReason | null, noWork: boolean): string {
  switch (state) {
    case 'idle':
      return 'Not donating. Nothing runs until you press Donate.';
    case 'starting':
      return 'Starting: preparing your GPU…';
    case 'running':
      // "No work" for this browser: the queue may be empty, or its shards may wait for other volunteers.
      return noWork
        ? 'Donating — waiting for work: nothing this browser may compute right now (the queue is empty, or what is left needs other volunteers).'
        : 'Donating.';
    case 'paused':
      return pauseReason === 'battery'
        ? 'Paused: the battery is low and not charging.'
        : 'Paused while this tab is hidden; it resumes when you come back.';
    case 'stopped':
      return 'Stopped. Nothing runs until you press Donate again.';
  }
}

function Stat({
  label,
  value,
  testId,
  wide,
}: {
  label: string;
  value: string;
  testId: string;
  wide?: boolean;
}) {
  return (
    <div
      className={`flex min-w-0 flex-col gap-0.5 rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-800/60 ${wide ? 'col-span-2' : ''}`}
    >
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="truncate font-mono text-sm tabular-nums" data-testid={testId} title={value}>
        {value}
      </dd>
    </div>
  );
}

/**
 * The Donate control: one button that reads Donate or Stop (one element, so keyboard focus stays
 * on it), the throttle, and what the volunteer is contributing right now.
 */
export function DonatePanel() {
  const { view, start, stop, setDutyPercent } = useVolunteer();
  const active = view.state === 'starting' || view.state === 'running' || view.state === 'paused';
  // A stopped volunteer has no throughput, whatever the last figure was.
  const throughput = active ? view.throughput : null;
  const now = view.history.at(-1) ?? throughput?.shardsPerSecond ?? 0;
  const current = view.current;
  // What the volunteer helps: the job of the shard computed last, and this browser's share of it.
  const job = useQuery({
    queryKey: ['donate-job', current?.jobId],
    enabled: current !== null,
    queryFn: () => getJob(browserApi, current!.jobId),
    staleTime: 10_000,
  });
  const token = view.credit ? pageIdentity().current()?.token : undefined;
  const history = useQuery({
    queryKey: ['donate-history', token],
    enabled: token !== undefined,
    queryFn: () => fetchHistory(browserApi, token!),
    refetchInterval: 60_000,
  });
  const share =
    current && job.data && job.data.progress.total > 0
      ? Math.min(100, (current.shardsHere / job.data.progress.total) * 100)
      : null;

  return (
    <section
      aria-labelledby="donate-heading"
      className="flex flex-col gap-6 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-col gap-3">
        <h2 id="donate-heading" className="text-lg font-semibold">
          Your contribution
        </h2>
        <p
          role="status"
          aria-live="polite"
          className="flex items-start gap-2 text-sm"
          data-testid="donate-status"
        >
          <span
            aria-hidden="true"
            className={`mt-1.5 size-2 shrink-0 rounded-full ${stateDotColour[view.state]}`}
          />
          <span>{statusText(view.state, view.pauseReason, view.noWork)}</span>
        </p>
        <button
          type="button"
          onClick={active ? stop : start}
          data-state={view.state}
          className={`rounded-xl px-5 py-3 text-base font-semibold shadow-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 ${
            active
              ? 'bg-slate-800 text-white hover:bg-slate-700 focus-visible:outline-slate-800 dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-white dark:focus-visible:outline-slate-200'
              : 'bg-emerald-700 text-white hover:bg-emerald-800 focus-visible:outline-emerald-700 dark:bg-emerald-500 dark:text-slate-950 dark:hover:bg-emerald-400'
          }`}
        >
          {active ? 'Stop' : 'Donate'}
        </button>
      </div>

      <ThrottleSlider percent={view.dutyPercent} onChange={setDutyPercent} />

      {current ? (
        <p className="text-sm" data-testid="donate-current">
          {active ? 'Computing' : 'Last computed'} <span className="font-mono">{current.kernel}</span> shards
          for{' '}
          <Link
            href={`/jobs/${current.jobId}`}
            className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
          >
            {job.data?.title || `a ${current.kernel} job`}
          </Link>
          {': '}
          {current.shardsHere} {current.shardsHere === 1 ? 'shard' : 'shards'} from this browser
          {share !== null ? ` (${share < 1 ? share.toFixed(1) : Math.round(share)} % of the job)` : ''}.
        </p>
      ) : null}

      <dl className="grid grid-cols-2 gap-2">
        <Stat label="Device" value={deviceLabel(view.adapter)} testId="stat-device" wide />
        <Stat label="Shards done" value={String(view.shardsDone)} testId="stat-shards" />
        <Stat
          label="Throughput"
          value={throughput ? `${decimal.format(throughput.shardsPerSecond)} shards/s` : '—'}
          testId="stat-throughput"
        />
        <Stat
          label="Awaiting verification"
          value={view.credit ? `${formatUnits(view.credit.credit.pending)} WU` : '—'}
          testId="stat-credit-pending"
        />
        <Stat
          label="Verified credit"
          value={view.credit ? `${formatUnits(view.credit.credit.verified)} WU` : '—'}
          testId="stat-credit-verified"
        />
        <Stat
          label="Time donated"
          value={view.donatedMs > 0 ? formatDuration(view.donatedMs) : '—'}
          testId="stat-donated"
        />
        <Stat
          label="Earned (paid jobs)"
          value={view.credit ? `${formatCycleUnits(BigInt(view.credit.earnings), 18)} CYCLE` : '—'}
          testId="stat-earnings"
        />
      </dl>

      <WorkPays jobId={view.current?.jobId ?? null} className="text-sm text-slate-700 dark:text-slate-300" />

      <figure className="flex flex-col gap-1">
        <ThroughputSparkline
          values={view.history}
          label={`Shards per second over the last minute; now ${decimal.format(now)}.`}
        />
        <figcaption className="flex justify-between text-xs text-slate-500 dark:text-slate-400">
          <span>Throughput, last minute</span>
          <span className="tabular-nums">
            {throughput ? `${formatUnits(throughput.workPerSecond)} M ops/s` : 'not running'}
          </span>
        </figcaption>
      </figure>

      {history.data ? (
        <figure className="flex flex-col gap-1">
          <DailyCreditChart history={history.data} today={new Date()} />
          <figcaption className="text-xs text-slate-500 dark:text-slate-400">
            Verified credit per day, last 14 days (work units)
          </figcaption>
        </figure>
      ) : null}

      <p className="text-xs text-slate-500 dark:text-slate-400">
        Credit is counted in work units (WU; one unit = a million operations); it becomes verified once other
        volunteers' results or the server's checks agree with yours. Credit ranks you on the leaderboard;
        CYCLE comes only from jobs someone paid for — link a wallet on /rewards to claim it.
      </p>

      {view.lastError && (
        <p
          role={view.lastError.fatal ? 'alert' : undefined}
          className={`text-xs ${view.lastError.fatal ? 'text-red-700 dark:text-red-400' : 'text-slate-500 dark:text-slate-400'}`}
          data-testid="donate-error"
        >
          {view.lastError.fatal ? 'Could not donate: ' : 'Last hiccup (skipped, still going): '}
          {view.lastError.message}
        </p>
      )}
    </section>
  );
}
