import type { Metadata } from 'next';
import Link from 'next/link';
import { listJobs } from '@/lib/coordinator/jobs/get-job';
import { getDb } from '@/lib/db/client';
import { formatTimestamp } from './_components/format';
import { ProgressBar } from './_components/progress-bar';
import { StatusBadge } from './_components/status-badge';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Jobs — Spare Cycles' };

/** `/jobs`: the most recent jobs with their status and progress. */
export default async function JobsPage() {
  const jobs = await listJobs(await getDb(), { limit: 100 });
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex flex-col gap-1">
          <h1 className="text-3xl font-bold tracking-tight">Jobs</h1>
          <p className="text-slate-600 dark:text-slate-400">
            Work submitted to the volunteers, newest first. Every shard is verified before it counts.
          </p>
        </div>
        <Link
          href="/jobs/new"
          className="rounded-lg bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:bg-emerald-500 dark:text-slate-950 dark:hover:bg-emerald-400"
        >
          Submit a job
        </Link>
      </div>

      {jobs.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
          <p className="font-medium">No jobs yet.</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            <Link
              href="/jobs/new"
              className="rounded text-emerald-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
            >
              Submit the first one
            </Link>{' '}
            — a matrix product takes a minute.
          </p>
        </div>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Recent jobs</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Job
                </th>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Status
                </th>
                <th scope="col" className="hidden w-1/4 px-4 py-2.5 font-medium sm:table-cell">
                  Progress
                </th>
                <th scope="col" className="hidden px-4 py-2.5 font-medium md:table-cell">
                  Created
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {jobs.map((job) => {
                const name = job.title || `${job.kernel} job`;
                return (
                  <tr key={job.jobId} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
                    <td className="px-4 py-3 align-top">
                      <Link
                        href={`/jobs/${job.jobId}`}
                        className="rounded font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-slate-100"
                      >
                        {name}
                      </Link>
                      <div className="mt-0.5 font-mono text-xs text-slate-500 dark:text-slate-400">
                        {job.kernel} · {job.jobId.slice(0, 8)} · {job.payment ? 'paid' : 'unpaid'}
                      </div>
                      <div className="mt-2 sm:hidden">
                        <ProgressBar progress={job.progress} label={`Progress of ${name}`} size="sm" />
                      </div>
                    </td>
                    <td className="px-4 py-3 align-top">
                      <StatusBadge status={job.status} />
                    </td>
                    <td className="hidden px-4 py-3 align-top sm:table-cell">
                      <ProgressBar progress={job.progress} label={`Progress of ${name}`} size="sm" />
                      <div className="mt-1 text-xs text-slate-500 tabular-nums dark:text-slate-400">
                        {job.progress.verified}/{job.progress.total} shards
                      </div>
                    </td>
                    <td className="hidden px-4 py-3 align-top whitespace-nowrap text-slate-600 tabular-nums md:table-cell dark:text-slate-400">
                      <time dateTime={job.createdAt}>{formatTimestamp(job.createdAt)}</time>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
