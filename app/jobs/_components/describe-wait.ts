import type { JobActivity } from '@/lib/protocol/job-activity';
import type { JobSummary } from '@/lib/protocol/jobs';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What an unfinished job is waiting for, in a sentence, or null when it is simply being computed.
 * A quorum job with fewer active volunteers than its quorum can never finish until more come: say
 * so, with the figures, instead of "estimating…" forever.
 * @example
 * describeWait(job, activity) // "Needs 2 different volunteers per shard; 1 is donating now. …"
 */
export function describeWait(
  job: Pick<JobSummary, 'status' | 'progress'>,
  activity: JobActivity | null,
): string | null {
  if (!activity || (job.status !== 'queued' && job.status !== 'running')) return null;
  const { quorum, shardsAwaitingAgreement } = activity.job;
  const active = activity.volunteersActive;
  const donating = `${active === 0 ? 'none' : active} ${active === 1 ? 'is' : 'are'} donating now`;
  if (quorum >= 2 && active < quorum) {
    const awaiting =
      shardsAwaitingAgreement > 0
        ? ` ${plural(shardsAwaitingAgreement, 'shard has a result and waits', 'shards have a result and wait')} for another volunteer to confirm it.`
        : '';
    return `Needs ${quorum} different volunteers per shard; ${donating}.${awaiting}`;
  }
  if (active === 0) return 'No volunteer is donating right now: the job waits in the queue for one.';
  if (job.progress.running === 0 && activity.queue.jobsAhead > 0) {
    return `${plural(active, 'volunteer is', 'volunteers are')} busy with ${plural(activity.queue.jobsAhead, 'earlier job', 'earlier jobs')} in the queue.`;
  }
  if (job.progress.running === 0 && activity.job.shardsVerifiedRecently === 0) {
    return 'Nothing is being computed for this job right now.';
  }
  return null;
}
