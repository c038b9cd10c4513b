import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { api, backend, fromAddress, grantReputation, settle, testDbForFile } from './harness';
import { mandelbrotJob, matmulJob } from './trust-fixtures';
import { SimVolunteer } from './volunteer-sim';

// Replica assignment a bloc cannot steer (issue 13, item 6). Addresses come as the production
// server reports them (scripts/next-server.mjs); documentation ranges only.
const testDb = testDbForFile();

afterEach(() => {
  delete process.env.REGISTRATIONS_PER_PREFIX;
  resetEnvCache();
});

async function linkWalletDirectly(volunteer: SimVolunteer, wallet: string): Promise<void> {
  await testDb.db.execute(sql`UPDATE volunteers SET address = ${wallet} WHERE id = ${volunteer.id}::uuid`);
}

describe(`replica assignment (${backend})`, () => {
  it('never gives replicas of one shard to two identities from one IPv4 /24 or IPv6 /48', async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const first = await SimVolunteer.from('203.0.113.5');
    const sameNet = await SimVolunteer.from('203.0.113.77');
    const elsewhere = await SimVolunteer.from('198.51.100.4');
    const mine = await first.lease(100);
    expect(mine).toHaveLength(6);
    expect(await sameNet.lease(100)).toEqual([]);
    // Results stored (completed leases) still bind the prefix.
    await first.answer(mine);
    expect(await sameNet.lease(100)).toEqual([]);
    expect(await elsewhere.work()).toBe(6);
    await settle();
    expect((await api.job(jobId)).body.status).toBe('completed');

    const v6Job = await mandelbrotJob(owner);
    const a = await SimVolunteer.from('2001:db8:1:1::1');
    const b = await SimVolunteer.from('2001:db8:1:ffff::2');
    const c = await SimVolunteer.from('[2001:db8:2::1]');
    expect(await a.lease(100)).toHaveLength(6);
    expect(await b.lease(100)).toEqual([]);
    expect(await c.lease(100)).toHaveLength(6);
    expect((await api.cancel(owner.token, v6Job)).status).toBe(200);
  });

  it('never gives replicas of one shard to two identities with one linked wallet, also when linked after leasing', async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const wallet = '0x00000000000000000000000000000000000000aa';
    const a = await SimVolunteer.from('192.0.2.10');
    const b = await SimVolunteer.from('198.18.0.10');
    await linkWalletDirectly(a, wallet);
    await linkWalletDirectly(b, wallet);
    expect(await a.lease(100)).toHaveLength(6);
    expect(await b.lease(100)).toEqual([]);

    const late = await SimVolunteer.from('198.18.7.10');
    const other = await SimVolunteer.from('198.18.9.10');
    const later = '0x00000000000000000000000000000000000000bb';
    await linkWalletDirectly(other, later);
    expect(await late.lease(100)).toHaveLength(6); // wallet-less when it leased
    await linkWalletDirectly(late, later); // links the bloc's wallet afterwards
    expect(await other.lease(100)).toEqual([]);
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
  });

  it('lets loopback volunteers (a development machine) share a quorum: identity still differs', async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const one = await SimVolunteer.from('127.0.0.1');
    const two = await SimVolunteer.from('::1');
    expect(await one.work()).toBe(6);
    expect(await one.lease(100)).toEqual([]);
    expect(await two.work()).toBe(6);
    await settle();
    expect((await api.job(jobId)).body.status).toBe('completed');
  });

  it('chooses shards at random, not first-come by index', async () => {
    const owner = await SimVolunteer.register();
    const r = await api.createJob(owner.token, {
      kernel: 'hashsearch',
      params: { prefix: 'f00d', difficulty: 16, nonceStart: '0', nonceCount: 64 * 2 ** 20 },
      visibility: 'public',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const indices: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [lease] = await (await SimVolunteer.register()).lease(1);
      indices.push(Number((lease!.params as { nonceStart: string }).nonceStart) / 2 ** 20);
    }
    // First-come would hand out 0..7 in order; a random start lands there with chance (1/8)^8.
    expect(indices.every((i) => i < 8)).toBe(false);
    expect(new Set(indices).size).toBe(8);
    expect((await api.cancel(owner.token, r.body.jobId)).status).toBe(200);
  });

  it('ignores a client-sent X-Forwarded-For and a forged address header', async () => {
    process.env.REGISTRATIONS_PER_PREFIX = '1';
    resetEnvCache();
    fromAddress('203.0.113.1'); // installs this process's secret, as the production server does
    for (let i = 0; i < 3; i++) {
      const spoofed = await api.register({}, undefined, { 'x-forwarded-for': `100.64.${i}.1` });
      expect(spoofed.status).toBe(201);
      const forged = await api.register({}, undefined, { 'x-spare-cycles-client': `guess 100.64.9.${i}` });
      expect(forged.status).toBe(201);
    }
    const [prefixes] = await queryRows<{ n: number }>(
      testDb.db,
      sql`SELECT count(*)::int AS n FROM volunteers WHERE network_prefix LIKE 'v4:100.64.%'`,
    );
    expect(Number(prefixes!.n)).toBe(0);

    // A spoofed header does not move a volunteer out of its real prefix either.
    delete process.env.REGISTRATIONS_PER_PREFIX;
    resetEnvCache();
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const a = await SimVolunteer.from('198.51.77.40');
    const b = await SimVolunteer.from('198.51.77.41');
    expect(await a.lease(100)).toHaveLength(6);
    const r = await api.lease(b.token, { max: 100, webgpu: true }, undefined, {
      ...fromAddress('198.51.77.41'),
      'x-forwarded-for': '198.51.100.99',
      'x-real-ip': '198.51.100.99',
    });
    expect(r.body.leases).toEqual([]);
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
  });

  it('rate-limits registrations per network prefix with 429 and Retry-After; loopback is exempt', async () => {
    process.env.REGISTRATIONS_PER_PREFIX = '3';
    resetEnvCache();
    for (const host of [1, 2, 3]) {
      expect((await api.register({}, undefined, fromAddress(`100.72.5.${host}`))).status).toBe(201);
    }
    const refused = await api.register({}, undefined, fromAddress('100.72.5.250'));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect((refused.body as any).error.message).toMatch(/Too many new volunteers from your network/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api.register({}, undefined, fromAddress('100.72.6.1'))).status).toBe(201);
    expect((await api.register({}, undefined, fromAddress('2001:db8:77::1'))).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect((await api.register({}, undefined, fromAddress('127.0.0.1'))).status).toBe(201);
      expect((await api.register()).status).toBe(201);
    }
  });

  it('fails a job on error reports only from distinct, reputable reporters', async () => {
    const owner = await SimVolunteer.register();
    const { jobId } = await matmulJob(owner, 3, 3, { min: 1, max: 2 });
    // Fresh identities report the shard as poison, many times over: the job carries on.
    for (let i = 0; i < 4; i++) {
      const fresh = await SimVolunteer.from(`198.51.${100 + i}.7`);
      const [lease] = await fresh.lease(1, { kernels: ['matmul'] });
      expect(lease?.jobId).toBe(jobId);
      const r = await api.reportError(fresh.token, lease!.leaseId, { name: 'Error', message: 'lost device' });
      expect(r.body.state).toBe('failed');
    }
    expect((await api.job(jobId)).body.status).toBe('running');
    // Two volunteers trusted on a kernel report it: replication.max reputable reports fail it.
    for (let i = 0; i < 2; i++) {
      const known = await SimVolunteer.from(`192.0.${i}.9`);
      await grantReputation(known.id, 'onnx');
      const [lease] = await known.lease(1, { kernels: ['matmul'] });
      await api.reportError(known.token, lease!.leaseId, { name: 'Error', message: 'lost device' });
    }
    const failed = await api.job(jobId);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error).toMatch(/failed on 2 reputable volunteers/);
  });

  it('raises replication below the kernel’s safe minimum and says so', async () => {
    const owner = await SimVolunteer.register();
    const raised = await api.createJob(owner.token, {
      kernel: 'mandelbrot',
      params: { width: 16, height: 16, centerX: -0.5, centerY: 0, scale: 3, maxIter: 16, tileSize: 16 },
      replication: { min: 1, max: 1 },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.replication).toEqual({ min: 2, max: 2 });
    expect(raised.body.notice).toMatch(/replication\.min raised from 1 to 2/);
    const job = await api.job(raised.body.jobId, owner.token);
    expect(job.body.replication).toEqual({ min: 2, max: 2 });
    // A self-verifying kernel keeps a quorum of one.
    const proven = await matmulJob(owner, 3, 3, { min: 1, max: 1 });
    expect((await api.job(proven.jobId, owner.token)).body.replication).toEqual({ min: 1, max: 1 });
  });
});
