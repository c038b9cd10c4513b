'use client';

import { useEffect, useRef, useState } from 'react';
import type { JobSummary } from '@/lib/protocol/jobs';

const terminal = new Set(['completed', 'failed', 'cancelled']);

type NotifyState = 'unsupported' | 'off' | 'on' | 'denied';

/**
 * An opt-in browser notification when the job ends (while this page is open): the submitter can
 * switch tabs instead of watching a progress bar. Asks for permission only on the click.
 */
export function JobNotification({ job }: { job: JobSummary }) {
  const [state, setState] = useState<NotifyState>('unsupported');
  const notified = useRef(false);
  const active = !terminal.has(job.status);

  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    setState(Notification.permission === 'denied' ? 'denied' : 'off');
  }, []);

  useEffect(() => {
    if (state !== 'on' || active || notified.current) return;
    notified.current = true;
    const title = job.title || `${job.kernel} job`;
    new Notification(`Spare Cycles: ${title} ${job.status}`, {
      body:
        job.status === 'completed'
          ? 'The verified result is ready to download.'
          : (job.error ?? `The job was ${job.status}.`),
      tag: job.jobId,
    });
  }, [state, active, job]);

  if (!active || state === 'unsupported') return null;
  async function enable() {
    const permission = await Notification.requestPermission();
    setState(permission === 'granted' ? 'on' : permission === 'denied' ? 'denied' : 'off');
  }
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="job-notify">
      {state === 'on' ? (
        'This browser will notify you when the job ends (keep this page open).'
      ) : state === 'denied' ? (
        'Notifications are blocked for this site in your browser settings.'
      ) : (
        <button
          type="button"
          onClick={() => void enable()}
          className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
        >
          Notify me when this job ends
        </button>
      )}
    </p>
  );
}
