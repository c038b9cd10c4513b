import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getLeaderboard } from '@/lib/coordinator/rewards/get-leaderboard';
import { volunteers } from '@/lib/db/schema';
import type { MatmulShardParams } from '@/lib/kernels/matmul/matmul-params';
import { writeNpy } from '@/lib/kernels/npy';
import { getKernel } from '@/lib/kernels/registry';
import { api, settle, testDbForFile, toBase64 } from './harness';
import { type LeaseJson, SimVolunteer } from './volunteer-sim';

const testDb = testDbForFile();

function matrix(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

const matmul = getKernel('matmul')!;
const credit = (leases: LeaseJson[]) =>
  leases.reduce((sum, l) => sum + matmul.workUnits(l.params as MatmulShardParams), 0);

/** Leases `max` shards and returns them with honest results submitted. */
async function doShards(volunteer: SimVolunteer, max: number): Promise<LeaseJson[]> {
  const leases = await volunteer.lease(max);
  expect(leases).toHaveLength(max);
  const parts = await Promise.all(
    leases.map(async (l) => ({ leaseId: l.leaseId, bytes: await volunteer.compute(l) })),
  );
  for (const r of await volunteer.submitBatch(parts)) expect(r.status).toBe('pending');
  await settle();
  // The same bytes again answer the validator's verdict.
  for (const r of await volunteer.submitBatch(parts)) expect(r.status).toBe('valid');
  return leases;
}

describe('getLeaderboard', () => {
  it('ranks volunteers (one entry per wallet) and sites by verified credit from the ledger', async () => {
    const owner = await SimVolunteer.register();
    // 7 shards of one row each: rows have equal work, so credit is proportional to shards done.
    const m = 7;
    const n = 4;
    const k = 3;
    const created = await api.createJob(owner.token, {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 1, tileCols: n },
      inputs: { a: toBase64(writeNpy(m, k, matrix(m, k, 1))), b: toBase64(writeNpy(k, n, matrix(k, n, 2))) },
    });
    expect(created.status).toBe(201);
    expect(created.body.shards).toBe(7);

    const cheater = await SimVolunteer.register('beta.example');
    const anon1 = await SimVolunteer.register('alpha.example');
    const anon2 = await SimVolunteer.register();
    const wallet1 = await SimVolunteer.register('beta.example');
    const wallet2 = await SimVolunteer.register('alpha.example');
    await SimVolunteer.register('idle.example'); // earns nothing: must not appear

    // Wallet linking is Sign-In with Ethereum (tested elsewhere); here it is set directly.
    const address = '0x1234567890abcdef1234567890abcdef12345678';
    for (const v of [wallet1, wallet2]) {
      await testDb.db.update(volunteers).set({ address }).where(eq(volunteers.id, v.id));
    }

    // A wrong result is rejected by the Freivalds check: no credit, so the cheater is not listed.
    const [bad] = await cheater.lease(1);
    const lie = [{ leaseId: bad!.leaseId, bytes: new Uint8Array(n * 4) }];
    expect((await cheater.submitBatch(lie))[0]!.status).toBe('pending');
    await settle();
    expect((await cheater.submitBatch(lie))[0]!.status).toBe('invalid');

    const anon1Leases = [...(await doShards(anon1, 3))];
    const walletLeases = [...(await doShards(wallet1, 1)), ...(await doShards(wallet2, 1))];
    anon1Leases.push(...(await doShards(anon1, 1)));
    const anon2Leases = await doShards(anon2, 1);
    expect((await api.job(created.body.jobId)).body.status).toBe('completed');

    const board = await getLeaderboard(testDb.db);
    const unit = credit(anon2Leases);
    expect(unit).toBeGreaterThan(0);
    expect(board.volunteers).toEqual([
      {
        rank: 1,
        label: anon1.id.replaceAll('-', '').slice(0, 8),
        address: null,
        credit: expect.closeTo(credit(anon1Leases), 9),
        results: 4,
      },
      { rank: 2, label: '0x1234…5678', address, credit: expect.closeTo(credit(walletLeases), 9), results: 2 },
      {
        rank: 3,
        label: anon2.id.replaceAll('-', '').slice(0, 8),
        address: null,
        credit: expect.closeTo(unit, 9),
        results: 1,
      },
    ]);
    // The same figure the volunteer sees for itself.
    expect(board.volunteers[0]!.credit).toBeCloseTo((await anon1.me()).credit.verified, 9);

    expect(board.sites).toEqual([
      { rank: 1, site: 'alpha.example', credit: expect.closeTo(5 * unit, 9), volunteers: 2, results: 5 },
      { rank: 2, site: 'beta.example', credit: expect.closeTo(unit, 9), volunteers: 1, results: 1 },
    ]);
  });

  it('returns at most `limit` entries of each table', async () => {
    const board = await getLeaderboard(testDb.db, { limit: 1 });
    expect(board.volunteers).toHaveLength(1);
    expect(board.volunteers[0]!.rank).toBe(1);
    expect(board.sites).toHaveLength(1);
    expect(board.sites[0]!.site).toBe('alpha.example');
  });
});
