import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { clock } from '@/lib/coordinator/clock';
import { leaseRandom } from '@/lib/coordinator/scheduling/lease-rules';
import { queryRows } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { api, backend, grantReputation, settle, testDbForFile } from './harness';
import { creditCount, lieOnce, mandelbrotJob, matmulJob, reputation } from './trust-fixtures';
import { SimVolunteer } from './volunteer-sim';

// Reputation and adaptive replication (issue 13, item 4; BOINC's consecutive-valid scheme).
const testDb = testDbForFile();
const realRandom = leaseRandom.next;

afterEach(() => {
  leaseRandom.next = realRandom;
});

async function shardRow(shardId: string) {
  const [row] = await queryRows<{ status: string; quorum: number; trusted_volunteer_id: string | null }>(
    testDb.db,
    sql`SELECT status, quorum, trusted_volunteer_id FROM shards WHERE id = ${shardId}::uuid`,
  );
  return row!;
}

describe(`reputation and adaptive replication (${backend})`, () => {
  it('grows to trusted after 10 consecutive valid results and is lost after one wrong answer', async () => {
    const owner = await SimVolunteer.register();
    const { jobId } = await matmulJob(owner, 12, 3); // 16 tiles, each proven alone
    const worker = await SimVolunteer.register();
    let done = 0;
    while (done < 10) {
      const [lease] = await worker.lease(1, { kernels: ['matmul'] });
      await worker.submitBatch([{ leaseId: lease!.leaseId, bytes: await worker.compute(lease!) }]);
      await settle();
      done += 1;
      expect(await reputation(testDb.db, worker.id, 'matmul')).toBe(done);
    }
    expect(await reputation(testDb.db, worker.id, 'matmul')).toBe(10);
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
    await lieOnce(worker);
    expect(await reputation(testDb.db, worker.id, 'matmul')).toBe(0);
    expect((await worker.me()).shardsRejected).toBe(1);
  });

  it('revokes unpaid credit of unproven results after a wrong answer, keeps paid and proven credit', async () => {
    const owner = await SimVolunteer.register();
    const cheat = await SimVolunteer.from('203.0.113.10');
    const partner = await SimVolunteer.from('198.51.100.10');
    // Paid: a mandelbrot job credited before an epoch was recorded.
    await mandelbrotJob(owner);
    expect(await cheat.work()).toBe(6);
    expect(await partner.work()).toBe(6);
    await settle();
    expect(await creditCount(testDb.db, cheat.id)).toBe(6);
    await testDb.db.execute(sql`
      INSERT INTO reward_epochs (epoch, status, root, total, leaf_count, rate, created_at)
      VALUES (1, 'published', ${`0x${'0'.repeat(64)}`}, 0, 0, 1, ${clock.now()})`);
    await new Promise((r) => setTimeout(r, 5));
    // Unpaid (in no epoch yet): a second job — a *paid* one, its owner's wallet funded by a grant —
    // and a proven matmul tile.
    const payer = `0x${'ab'.repeat(20)}`;
    await testDb.db.execute(sql`UPDATE volunteers SET address = ${payer} WHERE id = ${owner.id}::uuid`);
    await testDb.db.execute(sql`
      INSERT INTO ledger_entries (key, kind, address, amount)
      VALUES (${`grant:test-${owner.id}`}, 'grant', ${payer}, ${(10n ** 24n).toString()}::numeric)`);
    const second = await mandelbrotJob(owner, { payment: { pricePerWorkUnit: '1000000000000' } });
    expect(await cheat.work()).toBe(6);
    expect(await partner.work()).toBe(6);
    await settle();
    expect((await api.job(second)).body.status).toBe('completed');
    const paymentsTo = async (volunteerId: string) =>
      (
        await queryRows<{ n: number }>(
          testDb.db,
          sql`SELECT count(*)::int AS n FROM ledger_entries
              WHERE kind = 'payment' AND job_id = ${second}::uuid AND volunteer_id = ${volunteerId}::uuid`,
        )
      )[0]!.n;
    expect(await paymentsTo(cheat.id)).toBe(6);
    const spent = async () =>
      (
        await queryRows<{ spent: string; paid: string }>(
          testDb.db,
          sql`SELECT p.spent::text AS spent,
                (SELECT COALESCE(sum(amount), 0) FROM ledger_entries e WHERE e.job_id = p.job_id)::text AS paid
              FROM job_payments p WHERE p.job_id = ${second}::uuid`,
        )
      )[0]!;
    const before = await spent();
    expect(BigInt(before.spent)).toBeGreaterThan(0n);
    expect(before.spent).toBe(before.paid);
    const proven = await matmulJob(owner, 3, 3);
    const [tile] = await cheat.lease(1, { kernels: ['matmul'] });
    expect(tile!.jobId).toBe(proven.jobId);
    await cheat.submitBatch([{ leaseId: tile!.leaseId, bytes: await cheat.compute(tile!) }]);
    await settle();
    expect(await creditCount(testDb.db, cheat.id)).toBe(13);

    await lieOnce(cheat);
    // 6 paid (in epoch 1) + 1 proven tile remain; the 6 unpaid, unproven ones are gone.
    expect(await creditCount(testDb.db, cheat.id)).toBe(7);
    expect(await creditCount(testDb.db, partner.id)).toBe(12);
    const [revoked] = await queryRows<{ n: number }>(
      testDb.db,
      sql`SELECT count(*)::int AS n FROM results WHERE volunteer_id = ${cheat.id}::uuid AND reason LIKE 'credit revoked%'`,
    );
    expect(Number(revoked!.n)).toBe(6);
    // What the paid job paid the cheat for those results goes back to the job's payer; the
    // partner keeps its payments.
    expect(await paymentsTo(cheat.id)).toBe(0);
    expect(await paymentsTo(partner.id)).toBe(6);
    const after = await spent();
    expect(after.spent).toBe(after.paid);
    expect(BigInt(after.spent)).toBeLessThan(BigInt(before.spent));
  });

  it('never lets a trusted volunteer carry a quorum shard alone by default', async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const trusted = await SimVolunteer.from('192.0.2.21');
    await grantReputation(trusted.id, 'mandelbrot', 50);
    leaseRandom.next = () => 0; // every draw that could skip replication would
    try {
      const leases = await trusted.lease(6);
      expect(leases.length).toBeGreaterThan(0);
      for (const lease of leases) expect((await shardRow(lease.shardId)).quorum).toBe(2);
    } finally {
      leaseRandom.next = realRandom;
    }
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
  });

  it('with adaptive replication on, lets a trusted volunteer carry a quorum shard alone with probability 1 − 1/CV, and reopens it when trust is lost', async () => {
    process.env.ADAPTIVE_REPLICATION_MAX_SKIP = '0.95';
    resetEnvCache();
    onTestFinished(() => {
      delete process.env.ADAPTIVE_REPLICATION_MAX_SKIP;
      resetEnvCache();
    });
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const trusted = await SimVolunteer.from('192.0.2.20');
    await grantReputation(trusted.id, 'mandelbrot', 10);
    leaseRandom.next = () => 0; // the draw skips replication (p = 0.9)
    const [lease] = await trusted.lease(1);
    expect((await shardRow(lease!.shardId)).quorum).toBe(1);
    leaseRandom.next = realRandom;
    await trusted.submitBatch([{ leaseId: lease!.leaseId, bytes: await trusted.compute(lease!) }]);
    await settle();
    expect(await shardRow(lease!.shardId)).toMatchObject({
      status: 'verified',
      trusted_volunteer_id: trusted.id,
    });
    expect((await api.job(jobId)).body.progress.verified).toBe(1);
    expect(await creditCount(testDb.db, trusted.id)).toBe(1);

    await lieOnce(trusted);
    // Its word alone no longer stands: the shard needs an independent quorum again, unpaid credit is gone.
    expect(await shardRow(lease!.shardId)).toMatchObject({
      status: 'pending',
      quorum: 2,
      trusted_volunteer_id: null,
    });
    expect((await api.job(jobId)).body.progress.verified).toBe(0);
    expect(await creditCount(testDb.db, trusted.id)).toBe(0);
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
  });

  it('never lets new identities be the only replicas of a quorum shard while trusted volunteers are active', async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const veteran = await SimVolunteer.from('192.0.2.30');
    await grantReputation(veteran.id, 'montecarlo', 12);
    await grantReputation(veteran.id, 'mandelbrot', 12);
    leaseRandom.next = () => 0.999; // no skipped replication in this test
    const first = await SimVolunteer.from('198.51.100.30');
    const second = await SimVolunteer.from('203.0.113.30');
    const firstSlots = await first.lease(100);
    expect(firstSlots).toHaveLength(6); // the first slot of each shard
    expect(await second.lease(100)).toEqual([]); // the last slot waits for a trusted volunteer
    expect(await veteran.work()).toBe(6);
    await first.answer(firstSlots);
    await settle();
    expect((await api.job(jobId)).body.status).toBe('completed');
    expect(await creditCount(testDb.db, second.id)).toBe(0);
  });
});
