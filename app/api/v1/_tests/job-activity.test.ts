import { describe, expect, it } from 'vitest';
import { GET as getActivity } from '../jobs/[id]/activity/route';
import { api, backend, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

testDbForFile();

async function activity(id: string) {
  const response = await getActivity(new Request(`http://test.local/api/v1/jobs/${id}/activity`), {
    params: Promise.resolve({ id }),
  });
  return { status: response.status, body: await response.json() };
}

/** Validation may run after the request (a background step): wait for the verdict, briefly. */
async function waitForStatus(id: string, status: string) {
  for (let i = 0; i < 100; i++) {
    const job = await api.job(id);
    if (job.body.status === status) return job.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} never became ${status}`);
}

describe(`GET /api/v1/jobs/{id}/activity (${backend})`, () => {
  it('says a quorum job with one volunteer waits for a second one, and what the queue holds', async () => {
    const owner = await SimVolunteer.register();
    const earlier = await api.createJob(owner.token, {
      kernel: 'hashsearch',
      params: { prefix: 'ab', difficulty: 30, nonceStart: 0, nonceCount: 4096 },
      replication: { min: 1, max: 2 },
    });
    expect(earlier.status, JSON.stringify(earlier.body)).toBe(201);
    await api.cancel(owner.token, earlier.body.jobId);
    const created = await api.createJob(owner.token, {
      kernel: 'mandelbrot',
      params: { width: 32, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 32, tileSize: 16 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.jobId as string;

    // A lease request refused as malformed shows no donating worker.
    const garbled = await SimVolunteer.register();
    expect((await api.lease(garbled.token, { max: 'all' })).status).toBe(400);

    const before = await activity(id);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      volunteersActive: 0,
      queue: { shardsWaiting: 4, jobsAhead: 0 },
      job: { quorum: 2, shardsAwaitingAgreement: 0, volunteersContributed: 0, lastLeaseAt: null },
    });

    // One volunteer computes every shard once, and then has nothing it may lease: the job waits.
    // It holds no lease any more, so only its recorded polls (volunteers.last_seen_at, which every
    // coordinator process reads) count it as donating.
    const lone = await SimVolunteer.register();
    expect(await lone.work()).toBe(4);
    const waiting = await activity(id);
    expect(waiting.body).toMatchObject({
      volunteersActive: 1,
      queue: { shardsWaiting: 4 },
      job: { quorum: 2, shardsAwaitingAgreement: 4, volunteersContributed: 1, shardsVerifiedRecently: 0 },
    });
    expect(Date.parse(waiting.body.job.lastLeaseAt)).not.toBeNaN();

    // A second volunteer completes the quorum.
    await (await SimVolunteer.register()).work();
    await waitForStatus(id, 'completed');
    const done = await activity(id);
    expect(done.body).toMatchObject({
      volunteersActive: 2,
      queue: { shardsWaiting: 0 },
      job: { shardsAwaitingAgreement: 0, volunteersContributed: 2, shardsVerifiedRecently: 4 },
    });
  });

  it('answers 404 for an unknown job and 400 for a bad id', async () => {
    expect((await activity('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await activity('nope')).status).toBe(400);
  });
});

describe(`GET /api/v1/volunteers/me/history (${backend})`, () => {
  it('sums a volunteer’s verified credit per day, and needs its token', async () => {
    const { GET } = await import('../volunteers/me/history/route');
    const owner = await SimVolunteer.register();
    await api.createJob(owner.token, {
      kernel: 'hashsearch',
      params: { prefix: 'ab', difficulty: 8, nonceStart: 0, nonceCount: 4096 },
      replication: { min: 1, max: 2 },
    });
    const donor = await SimVolunteer.register();
    expect(await donor.work()).toBeGreaterThan(0);
    const history = async (token?: string) => {
      const response = await GET(
        new Request('http://test.local/api/v1/volunteers/me/history', {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }),
      );
      return { status: response.status, body: await response.json() };
    };
    for (let i = 0; i < 100 && (await history(donor.token)).body.days.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { status, body } = await history(donor.token);
    expect(status).toBe(200);
    expect(body.days).toHaveLength(1);
    expect(body.days[0].day).toBe(new Date().toISOString().slice(0, 10));
    expect(body.days[0].workUnits).toBeCloseTo((await donor.me()).credit.verified, 6);
    expect((await history()).status).toBe(401);
  });
});
