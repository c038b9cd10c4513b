import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { describe, expect, it } from 'vitest';
import { createSiweNonce } from '@/lib/coordinator/identity/create-siwe-nonce';
import { linkWallet } from '@/lib/coordinator/identity/link-wallet';
import { queryRows } from '@/lib/db/client';
import { api, backend, grantReputation, settle, testDbForFile } from './harness';
import { creditCount, lieOnce, mandelbrotJob, reputation } from './trust-fixtures';
import { SimVolunteer } from './volunteer-sim';

// A bloc of identities that earned trust honestly and then forges (issue 13, honest-then-cheat).
// The forgery moves two pixels' escape counts by one: the sampled check recomputes every pixel of a
// 16×16 tile but allows two to differ (GPU rounding), and replicas agree when they differ in one
// pixel, so only another replica — or the coordinator's own computation — can tell it apart.
const testDb = testDbForFile();

function forgeTile(honest: Uint8Array): Uint8Array {
  const out = new Uint8Array(honest);
  const view = new DataView(out.buffer);
  for (const at of [0, out.length - 4]) {
    const count = view.getUint32(at, true);
    view.setUint32(at, count === 0 ? 1 : count - 1, true);
  }
  return out;
}

/**
 * Links a wallet through the coordinator's own Sign-In with Ethereum step (`linkWallet`, as
 * `POST /api/v1/auth/verify` calls it). The route needs a configured reward chain, which this suite
 * does not start; the signature check is the same for an ordinary key without one.
 */
async function signInDirectly(volunteer: SimVolunteer, account: LocalAccount): Promise<void> {
  const { nonce } = await createSiweNonce(testDb.db, volunteer.id, 300);
  const message = createSiweMessage({
    address: account.address,
    chainId: 31337,
    domain: 'spare-cycles.test',
    uri: 'https://spare-cycles.test/',
    nonce,
    version: '1',
    issuedAt: new Date(),
  });
  const linked = await linkWallet(testDb.db, {
    volunteerId: volunteer.id,
    message,
    signature: await account.signMessage({ message }),
    domain: 'spare-cycles.test',
    chainId: 31337,
    chain: null,
  });
  expect(linked.address).toBe(account.address.toLowerCase());
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function trusted(address: string): Promise<SimVolunteer> {
  const volunteer = await SimVolunteer.from(address);
  await grantReputation(volunteer.id, 'mandelbrot', 20);
  return volunteer;
}

async function canonical(jobId: string) {
  const rows = await queryRows<{ id: string; status: string; canonical_sha256: string | null }>(
    testDb.db,
    sql`SELECT id, status, canonical_sha256 FROM shards WHERE job_id = ${jobId}::uuid`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Why the volunteer's results on the job were refused. */
async function reasons(volunteerId: string, jobId: string): Promise<string[]> {
  const rows = await queryRows<{ reason: string | null }>(
    testDb.db,
    sql`SELECT r.reason FROM results r JOIN shards s ON s.id = r.shard_id
        WHERE r.volunteer_id = ${volunteerId}::uuid AND s.job_id = ${jobId}::uuid AND r.status = 'invalid'`,
  );
  return rows.map((r) => r.reason ?? '');
}

/**
 * Two trusted identities holding both replicas of three of a 6-tile mandelbrot job's tiles (`together`,
 * as `second`'s leases), and `second` alone on the other three (`rest`, leases still live).
 */
async function pairOnThreeTiles(addresses: [string, string, string]) {
  const owner = await SimVolunteer.register();
  const jobId = await mandelbrotJob(owner);
  const [first, second, third] = await Promise.all(addresses.map(trusted));
  const firstLeases = await first!.lease(3);
  expect(firstLeases).toHaveLength(3);
  const secondLeases = await second!.lease(6); // the second replica of those 3, the first of the rest
  expect(secondLeases).toHaveLength(6);
  const together = secondLeases.filter((l) => firstLeases.some((f) => f.shardId === l.shardId));
  const rest = secondLeases.filter((l) => !together.includes(l));
  expect(together).toHaveLength(3);
  return { jobId, first: first!, second: second!, third: third!, firstLeases, secondLeases, together, rest };
}

describe(`a trusted bloc (${backend})`, () => {
  it("loses a dispute to the coordinator's own computation instead of supplying the tie-break replica", async () => {
    const owner = await SimVolunteer.register();
    const jobId = await mandelbrotJob(owner);
    const honest = await trusted('192.0.2.40');
    const forger = await trusted('198.51.100.40');
    const accomplice = await trusted('203.0.113.40');

    const honestLeases = await honest.lease(6);
    expect(honestLeases).toHaveLength(6);
    const forgedLeases = await forger.lease(6);
    expect(forgedLeases).toHaveLength(6);
    const truth = new Map<string, string>();
    const honestParts = [];
    for (const l of honestLeases) {
      const bytes = await honest.compute(l);
      truth.set(l.shardId, sha256(bytes));
      honestParts.push({ leaseId: l.leaseId, bytes });
    }
    await honest.submitBatch(honestParts);
    await forger.answer(forgedLeases, forgeTile);
    await settle();

    // Every one-against-one split was settled at once: no tie-break replica for the accomplice.
    expect(await accomplice.lease(6)).toEqual([]);
    expect((await api.job(jobId)).body.status).toBe('completed');
    for (const [shardId, row] of await canonical(jobId)) {
      expect(row.status).toBe('verified');
      expect(row.canonical_sha256).toBe(truth.get(shardId));
    }
    expect(await creditCount(testDb.db, honest.id)).toBe(6);
    expect(await creditCount(testDb.db, forger.id)).toBe(0);
    expect(await reputation(testDb.db, forger.id, 'mandelbrot')).toBe(0);
    const lost = await reasons(forger.id, jobId);
    expect(lost).toHaveLength(6);
    for (const reason of lost) expect(reason).toMatch(/own computation/);
  });

  it('has the tiles it verified together reopened once one of its members is caught elsewhere', async () => {
    const {
      jobId,
      first,
      second,
      third: honest,
      firstLeases,
      secondLeases,
      together,
      rest,
    } = await pairOnThreeTiles(['198.51.100.41', '203.0.113.41', '192.0.2.41']);
    const truth = new Map<string, Uint8Array>();
    for (const l of secondLeases) truth.set(l.shardId, await second.compute(l));
    const forge = (l: { leaseId: string; shardId: string }) => ({
      leaseId: l.leaseId,
      bytes: forgeTile(truth.get(l.shardId)!),
    });
    await first.submitBatch(firstLeases.map(forge));
    await second.submitBatch(together.map(forge));
    await settle();
    // Two trusted replicas agree: the forgery stands for now, credited.
    expect((await api.job(jobId)).body.progress.verified).toBe(3);
    expect(await creditCount(testDb.db, second.id)).toBe(3);

    await lieOnce(first);
    // Caught: the tiles it verified go back to pending, its results there are void, and its
    // partner's credit for them is withdrawn until they are decided again.
    expect((await api.job(jobId)).body.progress.verified).toBe(0);
    const shards = await canonical(jobId);
    for (const l of together) expect(shards.get(l.shardId)?.status).toBe('pending');
    const voided = await reasons(first.id, jobId);
    expect(voided).toHaveLength(3);
    for (const reason of voided) expect(reason).toMatch(/^void: its volunteer later returned a wrong result/);
    expect(await creditCount(testDb.db, first.id)).toBe(0);
    expect(await creditCount(testDb.db, second.id)).toBe(0);

    // An honest volunteer takes the open slots; the partner's forgery now loses its dispute.
    expect(await honest.work()).toBe(6);
    await second.submitBatch(rest.map((l) => ({ leaseId: l.leaseId, bytes: truth.get(l.shardId)! })));
    await settle();
    expect((await api.job(jobId)).body.status).toBe('completed');
    for (const [shardId, row] of await canonical(jobId))
      expect(row.canonical_sha256).toBe(sha256(truth.get(shardId)!));
    expect(await creditCount(testDb.db, honest.id)).toBe(6);
    // The partner keeps only its 3 honest tiles; it lost its trust with the dispute.
    expect(await creditCount(testDb.db, second.id)).toBe(3);
    expect(await reputation(testDb.db, second.id, 'mandelbrot')).toBeLessThan(10);
  });

  it('has a quorum decided again when its two identities link one wallet afterwards', async () => {
    const {
      jobId,
      first,
      second,
      third: independent,
      firstLeases,
      together,
      rest,
    } = await pairOnThreeTiles(['198.51.100.42', '203.0.113.42', '192.0.2.42']);
    await first.answer(firstLeases);
    await second.answer(together);
    await settle();
    expect((await api.job(jobId)).body.progress.verified).toBe(3);

    const wallet = privateKeyToAccount(generatePrivateKey());
    await signInDirectly(first, wallet);
    expect((await api.job(jobId)).body.progress.verified).toBe(3); // one wallet alone changes nothing
    await signInDirectly(second, wallet);
    // One wallet is one vote: the three tiles need an independent replica again.
    expect((await api.job(jobId)).body.progress.verified).toBe(0);
    expect(await creditCount(testDb.db, first.id)).toBe(0);
    expect(await creditCount(testDb.db, second.id)).toBe(0);

    expect(await independent.work()).toBe(6);
    await second.answer(rest);
    await settle();
    expect((await api.job(jobId)).body.status).toBe('completed');
    // Right answers, so everyone is credited once: the pair's tiles now with an independent vote.
    expect(await creditCount(testDb.db, first.id)).toBe(3);
    expect(await creditCount(testDb.db, second.id)).toBe(6);
    expect(await creditCount(testDb.db, independent.id)).toBe(6);
  });
});
