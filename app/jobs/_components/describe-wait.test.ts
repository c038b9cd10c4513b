import { describe, expect, it } from 'vitest';
import type { JobActivity } from '@/lib/protocol/job-activity';
import { describeWait } from './describe-wait';

const running = { status: 'running' as const, progress: { total: 4, verified: 0, failed: 0, running: 0 } };

function activity(overrides: {
  volunteersActive?: number;
  job?: Partial<JobActivity['job']>;
  jobsAhead?: number;
}): JobActivity {
  return {
    windowSeconds: 300,
    volunteersActive: overrides.volunteersActive ?? 1,
    queue: { shardsWaiting: 4, jobsAhead: overrides.jobsAhead ?? 0 },
    job: {
      quorum: 2,
      shardsAwaitingAgreement: 0,
      volunteersContributed: 0,
      shardsVerifiedRecently: 0,
      lastLeaseAt: null,
      ...overrides.job,
    },
  };
}

describe('describeWait', () => {
  it('says a quorum job with one volunteer needs another one', () => {
    expect(describeWait(running, activity({ job: { shardsAwaitingAgreement: 4 } }))).toBe(
      'Needs 2 different volunteers per shard; 1 is donating now. 4 shards have a result and wait for another volunteer to confirm it.',
    );
    expect(describeWait(running, activity({ volunteersActive: 0 }))).toBe(
      'Needs 2 different volunteers per shard; none are donating now.',
    );
  });

  it('says when nobody donates, or everyone is busy with earlier jobs', () => {
    const single = { job: { quorum: 1 } };
    expect(describeWait(running, activity({ ...single, volunteersActive: 0 }))).toMatch(
      /^No volunteer is donating/,
    );
    expect(describeWait(running, activity({ ...single, volunteersActive: 3, jobsAhead: 2 }))).toBe(
      '3 volunteers are busy with 2 earlier jobs in the queue.',
    );
  });

  it('says nothing while the job is being computed, or once it ended', () => {
    const busy = { ...running, progress: { ...running.progress, running: 2 } };
    expect(describeWait(busy, activity({ volunteersActive: 2 }))).toBeNull();
    expect(describeWait({ ...running, status: 'completed' }, activity({ volunteersActive: 0 }))).toBeNull();
    expect(describeWait(running, null)).toBeNull();
  });
});
