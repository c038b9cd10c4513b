'use client';

import { useEffect, useRef, useState } from 'react';
import { type JobSummary, jobSummarySchema } from '@/lib/protocol/jobs';
import { estimateEta, type ProgressSample } from './estimate-eta';
import { buttonDanger, buttonSecondary } from './field-styles';
import { formatDuration, formatTimestamp } from './format';
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

  useEffect(() => {
    // Only a browser holding an identity could be the submitter; the server decides for sure.
    setCanCancel(storedIdentity() !== null);
  }, []);

  useEffect(() => {
    if (terminal.has(initial.status)) return;
    const source = new EventSource(`/api/v1/jobs/${initial.jobId}/events`);
    source.addEventListener('progress', (event) => {
      const parsed = jobSummarySchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
      if (!parsed.success) return;
      const next = parsed.data;
      const t = Date.now();
      const last = samples.current.at(-1);
      if (!last || last.verified !== next.progress.verified) {
        samples.current = [...samples.current, { at: t, verified: next.progress.verified }].slice(-60);
      }
      setNow(t);
      setJob(next);
      setConnection('live');
      if (terminal.has(next.status)) {
        source.close();
        setConnection('closed');
      }
    });
    source.addEventListener('end', () => {
      source.close();
      setConnection('closed');
    });
    source.onerror = () => {
      // EventSource retries by itself; say so rather than freezing silently.
      if (source.readyState === EventSource.CLOSED) setConnection('closed');
      else setConnection('reconnecting');
    };
    return () => source.close();
  }, [initial.jobId, initial.status]);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => {
    if (cancel.phase === 'confirm') confirmRef.current?.focus();
  }, [cancel.phase]);

  const { total, verified, failed, running } = job.progress;
  const waiting = Math.max(0, total - verified - failed - running);
  const eta = active
    ? estimateEta({
        samples: samples.current,
        total,
        verified,
        failed,
        createdAt: Date.parse(job.createdAt),
        now,
      })
    : null;
  const title = job.title || `${job.kernel} job`;

  async function sendCancel() {
    const identity = storedIdentity();
    if (!identity) {
      setCancel({ phase: 'error', message: 'Only the browser that submitted this job can cancel it.' });
      return;
    }
    setCancel({ phase: 'sending' });
    try {
      const response = await fetch(`/api/v1/jobs/${job.jobId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${identity.token}` },
      });
      if (response.ok) {
        const parsed = jobSummarySchema.safeParse(await response.json());
        if (parsed.success) setJob(parsed.data);
        setCancel({ phase: 'idle' });
        return;
      }
      if (response.status === 401) forgetIdentity();
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      const message =
        response.status === 403 || response.status === 401
          ? 'Only the browser that submitted this job can cancel it.'
          : (body?.error?.message ?? `The server answered HTTP ${response.status}.`);
      setCancel({ phase: 'error', message });
      if (response.status === 403 || response.status === 401) setCanCancel(false);
    } catch (error) {
      setCancel({
        phase: 'error',
        message: `Could not reach the server (${error instanceof Error ? error.message : String(error)}).`,
      });
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
              <span className="text-slate-600 dark:text-slate-400">
                {eta === null
                  ? job.status === 'queued'
                    ? 'Waiting for volunteers'
                    : 'Estimating time left…'
                  : `About ${formatDuration(eta)} left`}
              </span>
            ) : job.finishedAt ? (
              <span className="text-slate-600 dark:text-slate-400">
                Finished {formatTimestamp(job.finishedAt)}
              </span>
            ) : null}
          </div>
        </div>

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

      {job.status === 'completed' && job.result ? (
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900/40">
          <ResultPreview result={job.result} title={title} />
        </div>
      ) : null}
    </div>
  );
}
