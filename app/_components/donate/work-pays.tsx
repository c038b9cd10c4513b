'use client';

import { useEffect, useState } from 'react';
import { formatUnits } from 'viem';
import { browserApi } from '@/lib/api/api-call';
import { getJob } from '@/lib/api/jobs-api';

type Pays = { kind: 'paid'; pricePerWorkUnit: string; feeBps: number } | { kind: 'unpaid' };

// One look-up per job for the page's lifetime: a job's price never changes.
const byJob = new Map<string, Promise<Pays | null>>();

function lookUp(jobId: string): Promise<Pays | null> {
  let found = byJob.get(jobId);
  if (!found) {
    found = getJob(browserApi, jobId)
      .then((job) =>
        job.payment
          ? {
              kind: 'paid' as const,
              pricePerWorkUnit: job.payment.pricePerWorkUnit,
              feeBps: job.payment.feeBps,
            }
          : { kind: 'unpaid' as const },
      )
      .catch(() => null);
    byJob.set(jobId, found);
  }
  return found;
}

/** Whether the job `jobId` (the shard computed last) pays tokens, once known. */
export function useWorkPays(jobId: string | null): Pays | null {
  const [pays, setPays] = useState<Pays | null>(null);
  useEffect(() => {
    if (!jobId) return;
    let live = true;
    void lookUp(jobId).then((answer) => {
      if (live && answer) setPays(answer);
    });
    return () => {
      live = false;
    };
  }, [jobId]);
  return jobId ? pays : null;
}

/**
 * One line saying whether the work being done now pays: a paid job's price per work unit (what the
 * volunteer receives is that less the protocol fee), or that an unpaid job earns credit only.
 */
export function WorkPays({
  jobId,
  className,
  compact,
}: {
  jobId: string | null;
  className?: string;
  /** The widget's short form: an inline span, nothing until the job is known. */
  compact?: boolean;
}) {
  const pays = useWorkPays(jobId);
  let text = compact ? '' : 'Paid jobs earn CYCLE; unpaid jobs earn credit only.';
  let full = text;
  if (pays?.kind === 'paid') {
    const net = formatUnits((BigInt(pays.pricePerWorkUnit) * BigInt(10_000 - pays.feeBps)) / 10_000n, 18);
    full = `This work pays: ${net} CYCLE per work unit (after the ${pays.feeBps / 100} % fee).`;
    text = compact ? `Paid: ${net} CYCLE/unit` : full;
  } else if (pays?.kind === 'unpaid') {
    full = 'This work is unpaid: it earns credit, not CYCLE.';
    text = compact ? 'Unpaid: credit only' : full;
  }
  if (compact) {
    if (!text) return null;
    return (
      <span className={className} title={full} data-testid="work-pays" data-pays={pays?.kind}>
        {text}
      </span>
    );
  }
  return (
    <p
      className={className}
      title={full || undefined}
      data-testid="work-pays"
      data-pays={pays?.kind ?? 'unknown'}
      aria-live="polite"
    >
      {text}
    </p>
  );
}
