import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseRandom } from '@/lib/coordinator/scheduling/lease-rules';
import { queryRows } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { parseNpy } from '@/lib/kernels/npy';
import { api, backend, grantReputation, settle, testDbForFile } from './harness';
import { corrupt, creditCount, matmulJob, product, reputation } from './trust-fixtures';
import { type LeaseJson, SimVolunteer } from './volunteer-sim';

// Known-answer shards (issue 13, item 5): verified shards re-issued, indistinguishable from fresh ones.
const testDb = testDbForFile();
const realRandom = leaseRandom.next;

afterEach(() => {
  leaseRandom.next = realRandom;
  delete process.env.KNOWN_ANSWER_RATE;
  resetEnvCache();
});

async function shardStatus(shardId: string): Promise<{ status: string; canonical_sha256: string | null }> {
  const [row] = await queryRows<{ status: string; canonical_sha256: string | null }>(
    testDb.db,
    sql`SELECT status, canonical_sha256 FROM shards WHERE id = ${shardId}::uuid`,
  );
  return row!;
}

/** The shape of a lease: every key, and every input's keys, with value types. */
function shape(lease: LeaseJson): string {
  const keysOf = (o: object) =>
    Object.entries(o)
      .map(([k, v]) => `${k}:${Array.isArray(v) ? 'array' : typeof v}`)
      .sort()
      .join(',');
  return `${keysOf(lease)} | ${lease.inputs.map(keysOf).join(';')} | ${keysOf(lease.params as object)}`;
}

describe(`known-answer shards (${backend})`, () => {
  it('re-issues a verified shard like a fresh one; a wrong answer is caught, resets reputation and leaves the output alone', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 6, 3); // 4 tiles, each proven alone
    const honest = await SimVolunteer.from('198.51.100.50');
    const firstTwo = await honest.lease(2);
    await honest.answer(firstTwo);
    await settle();
    const verified = new Set(firstTwo.map((l) => l.shardId));
    const canonical = new Map(
      await Promise.all(firstTwo.map(async (l) => [l.shardId, await shardStatus(l.shardId)] as const)),
    );
    for (const row of canonical.values()) expect(row.status).toBe('verified');

    // A volunteer trusted on matmul gets a known-answer shard in one of its leases.
    process.env.KNOWN_ANSWER_RATE = '1';
    resetEnvCache();
    leaseRandom.next = () => 0;
    const cheat = await SimVolunteer.from('203.0.113.50');
    await grantReputation(cheat.id, 'matmul', 15);
    const leases = await cheat.lease(2);
    expect(leases).toHaveLength(2);
    const known = leases.filter((l) => verified.has(l.shardId));
    const fresh = leases.filter((l) => !verified.has(l.shardId));
    expect(known).toHaveLength(1);
    expect(fresh).toHaveLength(1);
    // Nothing in the lease gives it away: same keys, same types, same job, same kind of URLs.
    expect(shape(known[0]!)).toBe(shape(fresh[0]!));
    expect(shape(known[0]!)).toBe(shape(firstTwo[0]!));
    expect(known[0]!.jobId).toBe(fresh[0]!.jobId);

    // It answers the known one wrongly and the fresh one honestly.
    const answers = await cheat.submitBatch([
      { leaseId: known[0]!.leaseId, bytes: corrupt(await cheat.compute(known[0]!)) },
      { leaseId: fresh[0]!.leaseId, bytes: await cheat.compute(fresh[0]!) },
    ]);
    expect(answers.map((a) => a.status)).toEqual(['pending', 'pending']);
    await settle();
    expect(await reputation(testDb.db, cheat.id, 'matmul')).toBe(0);
    expect((await cheat.me()).shardsRejected).toBe(1);
    expect(await shardStatus(known[0]!.shardId)).toEqual(canonical.get(known[0]!.shardId));

    // The job still completes with the right product, built from the verified results only.
    leaseRandom.next = realRandom;
    process.env.KNOWN_ANSWER_RATE = '0';
    resetEnvCache();
    await (await SimVolunteer.from('192.0.2.50')).work();
    await settle();
    expect((await api.job(job.jobId)).body.status).toBe('completed');
    const c = parseNpy((await api.result(job.jobId)).body as Uint8Array, 'c');
    const expected = product(job.a, job.b, job.m);
    for (const [i, v] of c.data.entries()) expect(v).toBeCloseTo(expected[i]!, 4);
  });

  it('credits a right answer to a known-answer shard as one result, and never re-counts the job’s progress', async () => {
    const owner = await SimVolunteer.register();
    const job = await matmulJob(owner, 6, 3);
    const honest = await SimVolunteer.from('198.51.100.60');
    const [first] = await honest.lease(1);
    await honest.submitBatch([{ leaseId: first!.leaseId, bytes: await honest.compute(first!) }]);
    await settle();
    process.env.KNOWN_ANSWER_RATE = '1';
    resetEnvCache();
    leaseRandom.next = () => 0;
    const newcomer = await SimVolunteer.from('203.0.113.60');
    const [known] = await newcomer.lease(1);
    expect(known!.shardId).toBe(first!.shardId);
    await newcomer.submitBatch([{ leaseId: known!.leaseId, bytes: await newcomer.compute(known!) }]);
    await settle();
    expect(await reputation(testDb.db, newcomer.id, 'matmul')).toBe(1);
    expect(await creditCount(testDb.db, newcomer.id)).toBe(1);
    expect((await api.job(job.jobId)).body.progress).toMatchObject({ total: 4, verified: 1 });
    expect((await api.cancel(owner.token, job.jobId)).status).toBe(200);
  });
});
