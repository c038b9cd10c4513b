'use client';

import { useEffect, useRef, useState } from 'react';
import { ApiRequestError, browserApi } from '@/lib/api/api-call';
import { cancelJob, getJobActivity, watchJob } from '@/lib/api/jobs-api';
import type { JobActivity } from '@/lib/protocol/job-activity';
import type { JobSummary } from '@/lib/protocol/jobs';
import { describeWait } from './describe-wait';
import { DonateHere } from './donate-here';
import { estimateEta, type ProgressSample, recentRate } from './estimate-eta';
import { buttonDanger, buttonSecondary } from './field-styles';
import { formatDuration, formatTimestamp } from './format';
import { JobNotification } from './job-notification';
import { JobPayment } from './job-payment';
import { ProgressBar } from './progress-bar';
import { ResultPreview } from './result-preview';
import { StatusBadge } from './status-badge';
import { forgetIdentity, storedIdentity } from './submitter-identity';

const terminal = new Set(['completed', 'failed', 'cancelled']);

type CancelState =
  | { phase: 'idle' }
  | { phase: 'confirm' }
  | { phase: 'sending' }
  | { phase: 'error'; message: string };

/**
 * A job's live view: status, a progress bar fed by Server-Sent Events
 * (`GET /api/v1/jobs/{id}/events`, each `progress` event carrying the job summary), an ETA from the
 * rate of verified shards, shard counts by state, cancellation for its submitter and, once
 * completed, the result.
 */
export function JobLive({ initial }: { initial: JobSummary }) {
  const [job, setJob] = useState(initial);
  const [connection, setConnection] = useState<'live' | 'reconnecting' | 'closed'>(
    terminal.has(initial.status) ? 'closed' : 'live',
  );
  const samples = useRef<ProgressSample[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [canCancel, setCanCancel] = useState(false);
  const [cancel, setCancel] = useState<CancelState>({ phase: 'idle' });
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  const active = !terminal.has(job.status);
  const [activity, setActivity] = useState<JobActivity | null>(null);

  useEffect(() => {
    // Only a browser holding an identity could be the submitter; the server decides for sure.
    setCanCancel(storedIdentity() !== null);
  }, []);

  useEffect(() => {
    if (terminal.has(initial.status)) return;
    return watchJob(browserApi, initial.jobId, {
      progress: (next) => {
        const t = Date.now();
        const last = samples.current.at(-1);
        if (!last || last.verified !== next.progress.verified) {
          samples.current = [...samples.current, { at: t, verified: next.progress.verified }].slice(-60);
        }
        setNow(t);
        setJob(next);
      },
      end: () => {},
      connection: setConnection,
    });
  }, [initial.jobId, initial.status]);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);

  // What the job waits for (volunteers, queue, quorum): every 5 s while it is unfinished.
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    const load = () =>
      getJobActivity(browserApi, job.jobId, controller.signal).then(setActivity, () => {
        // A missed poll changes nothing on the page; the next one retries.
      });
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [active, job.jobId]);

  useEffect(() => {
    if (cancel.phase === 'confirm') confirmRef.current?.focus();
  }, [cancel.phase]);

  const { total, verified, failed, running } = job.progress;
  const waiting = Math.max(0, total - verified - failed - running);
  const eta = active ? estimateEta({ samples: samples.current, total, verified, failed, now }) : null;
  const rate = active ? recentRate(samples.current, now) : null;
  const wait = describeWait(job, activity);
  const elapsedMs = (job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.createdAt);
  const title = job.title || `${job.kernel} job`;

  async function sendCancel() {
    const identity = storedIdentity();
    if (!identity) {
      setCancel({ phase: 'error', message: 'Only the browser that submitted this job can cancel it.' });
      return;
    }
    setCancel({ phase: 'sending' });
    try {
      setJob(await cancelJob(browserApi, identity.token, job.jobId));
      setCancel({ phase: 'idle' });
    } catch (error) {
      if (!(error instanceof ApiRequestError) || error.status === 0) {
        setCancel({
          phase: 'error',
          message: `Could not reach the server (${error instanceof Error ? error.message : String(error)}).`,
        });
        return;
      }
      if (error.status === 401) forgetIdentity();
      const notOwner = error.status === 403 || error.status === 401;
      setCancel({
        phase: 'error',
        message: notOwner
          ? 'Only the browser that submitted this job can cancel it.'
          : (error.apiMessage ?? `The server answered HTTP ${error.status}.`),
      });
      if (notOwner) setCanCancel(false);
    }
  }

  const counts = [
    { label: 'Verified', value: verified, dot: 'bg-emerald-500' },
    { label: 'Failed', value: failed, dot: 'bg-red-500' },
    { label: 'Running', value: running, dot: 'bg-sky-400' },
    { label: 'Waiting', value: waiting, dot: 'bg-slate-300 dark:bg-slate-600' },
  ];

  return (
    <div className="flex flex-col gap-6">
      <section
        aria-labelledby="progress-heading"
        className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900/40"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3">
            <h2 id="progress-heading" className="text-lg font-semibold">
              Progress
            </h2>
            <span data-testid="job-status" aria-live="polite">
              <StatusBadge status={job.status} />
            </span>
          </div>
          <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
            {connection === 'live' && active ? 'Live' : null}
            {connection === 'reconnecting' ? 'Connection lost; reconnecting…' : null}
          </p>
        </div>

        <div className="mt-4">
          <ProgressBar progress={job.progress} label={`Progress of ${title}`} />
          <div className="mt-2 flex flex-wrap justify-between gap-2 text-sm tabular-nums">
            <span data-testid="progress-text">
              {verified} of {total} shards verified ({total > 0 ? Math.floor((verified / total) * 100) : 0} %)
            </span>
            {active ? (
              <span className="text-slate-600 dark:text-slate-400" data-testid="job-eta">
                {eta !== null && eta > 0
                  ? `About ${formatDuration(eta)} left at the last minute's pace`
                  : wait
                    ? 'Waiting (see below)'
                    : samples.current.length > 1 && rate === 0
                      ? 'Nothing verified in the last minute'
                      : job.status === 'queued'
                        ? 'Waiting for volunteers'
                        : 'Measuring the pace…'}
              </span>
            ) : job.finishedAt ? (
              <span className="text-slate-600 dark:text-slate-400">
                Finished {formatTimestamp(job.finishedAt)}
              </span>
            ) : null}
          </div>
          <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500 tabular-nums dark:text-slate-400">
            {/* The clock differs between the server's render and the browser's: no hydration error for it. */}
            <span data-testid="job-elapsed" suppressHydrationWarning>
              {`${active ? 'Running for' : 'Took'} ${formatDuration(Math.max(0, elapsedMs))}`}
            </span>
            {active ? (
              <span data-testid="job-rate">
                {rate === null ? 'pace: measuring' : `${rate.toFixed(2)} shards/s over the last minute`}
              </span>
            ) : total > 0 && elapsedMs > 0 ? (
              <span data-testid="job-rate">
                {(verified / (elapsedMs / 1000)).toFixed(2)} shards/s on average
              </span>
            ) : null}
          </p>
        </div>

        {wait ? (
          <div
            className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-200"
            data-testid="job-waiting"
            role="status"
          >
            <p className="font-semibold">Waiting</p>
            <p className="mt-1">{wait}</p>
          </div>
        ) : null}

        {active && activity ? (
          <dl
            className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3"
            data-testid="job-activity"
          >
            <div className="flex justify-between gap-2 sm:flex-col sm:justify-start">
              <dt className="text-slate-500 dark:text-slate-400">Volunteers donating now</dt>
              <dd className="font-semibold tabular-nums" data-testid="activity-volunteers">
                {activity.volunteersActive}
              </dd>
            </div>
            <div className="flex justify-between gap-2 sm:flex-col sm:justify-start">
              <dt className="text-slate-500 dark:text-slate-400">Shards in the queue (all jobs)</dt>
              <dd className="font-semibold tabular-nums" data-testid="activity-queue">
                {activity.queue.shardsWaiting}
              </dd>
            </div>
            <div className="flex justify-between gap-2 sm:flex-col sm:justify-start">
              <dt className="text-slate-500 dark:text-slate-400">Agreeing results needed per shard</dt>
              <dd className="font-semibold tabular-nums" data-testid="activity-quorum">
                {activity.job.quorum}
              </dd>
            </div>
          </dl>
        ) : null}

        <dl className="mt-5 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {counts.map((c) => (
            <div key={c.label} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
              <dt className="flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
                <span aria-hidden="true" className={`size-2 rounded-full ${c.dot}`} />
                {c.label}
              </dt>
              <dd className="mt-0.5 text-xl font-semibold tabular-nums">{c.value}</dd>
            </div>
          ))}
        </dl>

        <JobPayment payment={job.payment} />

        {job.error ? (
          <p className="mt-4 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-300">
            {job.error}
          </p>
        ) : null}

        {active && canCancel ? (
          <div className="mt-5 flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4 dark:border-slate-800">
            {cancel.phase === 'confirm' ? (
              <>
                <span className="text-sm">Cancel this job? Work in progress is discarded.</span>
                <button ref={confirmRef} type="button" onClick={sendCancel} className={buttonDanger}>
                  Yes, cancel the job
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setCancel({ phase: 'idle' });
                    queueMicrotask(() => cancelRef.current?.focus());
                  }}
                  className={buttonSecondary}
                >
                  Keep it running
                </button>
              </>
            ) : (
              <button
                ref={cancelRef}
                type="button"
                disabled={cancel.phase === 'sending'}
                onClick={() => setCancel({ phase: 'confirm' })}
                className={buttonDanger}
              >
                {cancel.phase === 'sending' ? 'Cancelling…' : 'Cancel job'}
              </button>
            )}
          </div>
        ) : null}
        <div aria-live="polite">
          {cancel.phase === 'error' ? (
            <p className="mt-3 text-sm font-medium text-red-700 dark:text-red-400">{cancel.message}</p>
          ) : null}
        </div>
      </section>

      {active ? <DonateHere waiting={wait !== null} /> : null}
      <JobNotification job={job} />

      {job.status === 'completed' && job.result ? (
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900/40">
          <ResultPreview result={job.result} title={title} />
        </div>
      ) : null}
    </div>
  );
}
