'use client';

import type { JobSummary } from '@/lib/protocol/jobs';
import { useOwnJob } from './use-own-job';

/** The job page's heading: its title (a private job's only in its submitter's browser), else the kernel. */
export function JobTitle({ job }: { job: JobSummary }) {
  const title = (useOwnJob(job) ?? job).title;
  return <h1 className="text-3xl font-bold tracking-tight break-words">{title || `${job.kernel} job`}</h1>;
}
