'use client';

import type { JobSummary } from '@/lib/protocol/jobs';
import { useOwnJob } from './use-own-job';

function paramText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * A job's parameters: a private job's only in its submitter's browser (`useOwnJob`); anyone else
 * is told why they are hidden.
 */
export function JobParams({ job }: { job: JobSummary }) {
  const params = (useOwnJob(job) ?? job).params;

  const entries =
    params && typeof params === 'object' && !Array.isArray(params)
      ? Object.entries(params as Record<string, unknown>)
      : [];
  return (
    <section
      aria-labelledby="params-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900/40"
    >
      <h2 id="params-heading" className="text-lg font-semibold">
        Parameters
      </h2>
      {params === null && job.visibility === 'private' ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          This job is private: its parameters, inputs and result are shown only to its submitter.
        </p>
      ) : null}
      <dl className="mt-3 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm">
        {entries.map(([name, value]) => (
          <div key={name} className="contents">
            <dt className="font-mono text-slate-500 dark:text-slate-400">{name}</dt>
            <dd className="min-w-0 font-mono break-all whitespace-pre-wrap">{paramText(value)}</dd>
          </div>
        ))}
        <div className="contents">
          <dt className="font-mono text-slate-500 dark:text-slate-400">replication</dt>
          <dd className="font-mono">
            min {job.replication.min}, max {job.replication.max}
          </dd>
        </div>
      </dl>
    </section>
  );
}
