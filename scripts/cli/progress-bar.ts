import type { JobSummary } from '../../lib/protocol/jobs';

/**
 * One line of progress for a terminal: `[████████░░░░░░░░] 12/24 verified · 3 running · running`.
 * Failed shards show as `✗` so a failing job is visible at a glance.
 */
export function progressLine(job: Pick<JobSummary, 'status' | 'progress'>, width = 24): string {
  const { total, verified, failed, running } = job.progress;
  const share = (n: number) => (total > 0 ? Math.round((n / total) * width) : 0);
  const done = Math.min(width, share(verified));
  const bad = Math.min(width - done, share(failed));
  const bar = '█'.repeat(done) + '✗'.repeat(bad) + '░'.repeat(width - done - bad);
  const parts = [`${verified}/${total} verified`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (running > 0) parts.push(`${running} running`);
  parts.push(job.status);
  return `[${bar}] ${parts.join(' · ')}`;
}
