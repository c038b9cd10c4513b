'use client';

import { useEffect, useState } from 'react';
import { browserApi } from '@/lib/api/api-call';
import { getJob } from '@/lib/api/jobs-api';
import type { JobSummary } from '@/lib/protocol/jobs';
import { storedIdentity } from './submitter-identity';

/**
 * A private job as its submitter sees it. The page is rendered for everyone alike, so a private job
 * arrives without its params and title; the browser that submitted it (its stored identity) asks
 * again with its token. Null for public jobs, for anyone else, and until the answer arrives.
 */
export function useOwnJob(job: JobSummary): JobSummary | null {
  const [own, setOwn] = useState<JobSummary | null>(null);
  useEffect(() => {
    if (job.params !== null || job.visibility !== 'private') return;
    const identity = storedIdentity();
    if (!identity) return;
    const controller = new AbortController();
    getJob(browserApi, job.jobId, controller.signal, identity.token)
      .then(setOwn)
      .catch(() => {
        // Not the submitter's identity, offline or aborted: the job stays as everyone sees it.
      });
    return () => controller.abort();
  }, [job]);
  return own;
}
