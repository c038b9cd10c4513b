import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { api, backend, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

testDbForFile();

afterEach(() => {
  delete process.env.MAX_LIVE_LEASES;
  resetEnvCache();
});

async function hashJob(owner: SimVolunteer, nonceCount: number): Promise<string> {
  const r = await api.createJob(owner.token, {
    kernel: 'hashsearch',
    params: { prefix: 'f00d', difficulty: 16, nonceStart: '0', nonceCount },
    visibility: 'public',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.jobId;
}

describe(`fair leasing and caps (${backend})`, () => {
  it('shares one lease request across submitters instead of draining the oldest job first', async () => {
    const [early, late] = await Promise.all([SimVolunteer.register(), SimVolunteer.register()]);
    const big = await hashJob(early, 64 * 2 ** 20); // 64 shards, queued first
    const small = await hashJob(late, 16 * 2 ** 20); // 16 shards
    const volunteer = await SimVolunteer.register();
    const leases = await volunteer.lease(16);
    expect(leases).toHaveLength(16);
    const perJob = new Map<string, number>();
    for (const l of leases) perJob.set(l.jobId, (perJob.get(l.jobId) ?? 0) + 1);
    // An even share from each submitter's job, not 16 from the oldest.
    expect(perJob.get(small)).toBe(8);
    expect(perJob.get(big)).toBe(8);
    for (const job of [
      [early, big],
      [late, small],
    ] as const)
      expect((await api.cancel(job[0].token, job[1])).status).toBe(200);
  });

  it('holds a volunteer to MAX_LIVE_LEASES live leases', async () => {
    process.env.MAX_LIVE_LEASES = '5';
    resetEnvCache();
    const owner = await SimVolunteer.register();
    const job = await hashJob(owner, 16 * 2 ** 20);
    const greedy = await SimVolunteer.register();
    expect(await greedy.lease(100)).toHaveLength(5);
    expect(await greedy.lease(100)).toEqual([]);
    // Someone else still gets work.
    expect((await (await SimVolunteer.register()).lease(3)).length).toBe(3);
    expect((await api.cancel(owner.token, job)).status).toBe(200);
  });
});
