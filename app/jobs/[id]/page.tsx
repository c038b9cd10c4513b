import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getJob } from '@/lib/coordinator/jobs/get-job';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { jobIdSchema } from '@/lib/protocol/ids';
import type { JobSummary } from '@/lib/protocol/jobs';
import { formatTimestamp } from '../_components/format';
import { JobLive } from '../_components/job-live';
import { JobParams } from '../_components/job-params';
import { JobTitle } from '../_components/job-title';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

/** The job, or null for an id that is not a UUID or names no job (both are a 404 page). */
async function findJob(id: string): Promise<JobSummary | null> {
  const parsed = jobIdSchema.safeParse(id);
  if (!parsed.success) return null;
  try {
    return await getJob(await getDb(), parsed.data);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return null;
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const job = await findJob((await params).id);
  return {
    title: job ? `${job.title || `${job.kernel} job`} — Spare Cycles` : 'Job not found — Spare Cycles',
  };
}

/** `/jobs/{id}`: a job's parameters, live progress and, once completed, its verified result. */
export default async function JobPage({ params }: Props) {
  const job = await findJob((await params).id);
  if (!job) notFound();
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-col gap-2">
        <Link
          href="/jobs"
          className="w-fit rounded text-sm text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-slate-400 dark:hover:text-white"
        >
          ← All jobs
        </Link>
        <JobTitle job={job} />
        <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
          <span>
            Kernel <span className="font-mono text-slate-900 dark:text-slate-100">{job.kernel}</span>
          </span>
          <span>
            Created <time dateTime={job.createdAt}>{formatTimestamp(job.createdAt)}</time>
          </span>
          <span className="font-mono text-xs leading-5 break-all">{job.jobId}</span>
        </p>
      </div>

      <JobLive initial={job} />

      <JobParams job={job} />
    </main>
  );
}
