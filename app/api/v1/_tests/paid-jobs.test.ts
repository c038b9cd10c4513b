import { sql } from 'drizzle-orm';
import {
  type Account,
  type Address,
  type Chain,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
  parseEventLogs,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anvil } from '@/lib/chain/anvil';
import { rewardDistributorAbi, spareCyclesTokenAbi } from '@/lib/chain/generated/contracts';
import type { RewardChain } from '@/lib/chain/reward-chain';
import { payVerifiedResults } from '@/lib/coordinator/rewards/pay-verified-results';
import { settleJobFunds } from '@/lib/coordinator/rewards/settle-job-funds';
import { syncDeposits } from '@/lib/coordinator/rewards/sync-deposits';
import { queryRows } from '@/lib/db/client';
import { writeNpy } from '@/lib/kernels/npy';
import { deployTestChain, type TestChain } from './chain-fixtures';
import { api, settle, testDbForFile, toBase64 } from './harness';
import { linkWallet } from './siwe-helpers';
import { SimVolunteer } from './volunteer-sim';

// Paid jobs on a real anvil chain with the real contracts: who may pay whom, and that nobody can
// come out ahead by paying themselves. Cases run in order on one chain and one database.

// anvil's well-known dev keys (public; they only ever hold test ether).
const publisherKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const treasury = privateKeyToAccount(publisherKey).address; // #0 publishes and collects fees
const attacker = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
// A second wallet of the same attacker: replicas of one shard never go to one wallet (docs/trust.md).
const attackerTwo = privateKeyToAccount('0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba');
const selfDealer = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const sponsor = privateKeyToAccount('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6');
const depositor = privateKeyToAccount('0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a');
const adminToken = 'test-admin-token-0123456789';
const admin = `Bearer ${adminToken}`;
const feeBps = 1000n; // 10 %, so the fee is visible in every amount

// matmul 16×16 tiles with k = 8: 4096 operations = 0.004096 work units per shard.
const tile = 16;
const k = 8;
const price = 10n ** 15n;
const perShard = 4_096n * 10n ** 9n; // floor(price × 0.004096)
const CYCLE = 10n ** 18n;

let anvil: Anvil;
let publicClient: PublicClient;
let distributor: Address;
let token: Address;
let chain: RewardChain;

let testChain: TestChain | undefined;

beforeAll(async () => {
  testChain = await deployTestChain(publisherKey, {
    ADMIN_TOKEN: adminToken,
    TREASURY_ADDRESS: treasury,
    PROTOCOL_FEE_BPS: String(feeBps),
    GRANT_CAP_PER_EPOCH: String(100n * CYCLE),
    DEPOSIT_CONFIRMATIONS: '0',
    PUBLIC_URL: undefined,
  });
  ({ anvil, publicClient, distributor, token, chain } = testChain);
});
// Opened after the settings above: the pipeline it starts reads them.
const testDb = testDbForFile();

afterAll(async () => {
  await testChain?.dispose();
});

/** A matmul job of `shards` 16×16 tiles; `payment` makes it paid. */
async function matmulJob(
  owner: SimVolunteer,
  shards: number,
  options: { replication?: { min: number; max: number }; price?: string } = {},
) {
  const m = tile * shards;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * tile).map((_, i) => ((i * 5) % 11) - 5);
  return api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m, n: tile, k, tileRows: tile, tileCols: tile },
    inputs: { a: toBase64(writeNpy(m, k, a)), b: toBase64(writeNpy(k, tile, b)) },
    ...(options.replication ? { replication: options.replication } : {}),
    ...(options.price ? { payment: { pricePerWorkUnit: options.price } } : {}),
  });
}

async function me(volunteer: SimVolunteer) {
  const r = await api.me(volunteer.token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    balance: string;
    reserved: string;
    earnings: string;
    credit: { verified: number };
    funds: { deposited: string; granted: string; withdrawn: string; spent: string } | null;
  };
}

function walletOf(account: Account): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
}

function tokensOf(account: Address): Promise<bigint> {
  return publicClient.readContract({
    address: token,
    abi: spareCyclesTokenAbi,
    functionName: 'balanceOf',
    args: [account],
  });
}

/** Claims whatever `account` can claim now; returns the amount paid (0 when nothing). */
async function claimAll(account: Account): Promise<bigint> {
  const rewards = (await api.rewards(account.address)).body;
  if (rewards.claimable === '0') return 0n;
  const hash = await walletOf(account).writeContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'claim',
    args: [account.address, BigInt(rewards.cumulative), rewards.proof as Hex[]],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
  const [event] = parseEventLogs({ abi: rewardDistributorAbi, eventName: 'Claimed', logs: receipt.logs });
  return event!.args.amount;
}

async function deposit(account: Account, amount: bigint): Promise<Hex> {
  const hash = await walletOf(account).writeContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'deposit',
    args: [amount],
  });
  expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
  return hash;
}

/** A volunteer linked to `account`. */
async function linked(account: LocalAccount): Promise<SimVolunteer> {
  const v = await SimVolunteer.register();
  await linkWallet(v.token, account);
  return v;
}

/** Gives `account` real tokens the honest way: a grant, withdrawn, published and claimed. */
async function fundWallet(account: Account, holder: SimVolunteer, amount: bigint): Promise<void> {
  expect((await api.grant(admin, { address: account.address, amount: String(amount) })).status).toBe(201);
  expect((await api.withdraw(holder.token, { amount: String(amount) })).status).toBe(201);
  expect((await api.closeEpoch(admin)).body.status).toBe('published');
  expect(await claimAll(account)).toBe(amount);
}

describe('paid jobs on anvil', () => {
  it('answers 402 with the missing amount, and stores nothing', async () => {
    const unlinked = await SimVolunteer.register();
    const r1 = await matmulJob(unlinked, 2, { price: String(price) });
    expect(r1.status).toBe(402);
    expect(r1.body.error).toMatchObject({
      code: 'insufficient_funds',
      missing: String(perShard * 3n * 2n),
      required: String(perShard * 3n * 2n),
    });
    expect(r1.body.error.message).toMatch(/link one/);

    const owner = await linked(sponsor);
    expect((await api.grant(admin, { address: sponsor.address, amount: String(perShard) })).status).toBe(201);
    const before = (await api.listJobs()).body.jobs.length;
    const r2 = await matmulJob(owner, 2, { price: String(price), replication: { min: 1, max: 2 } });
    expect(r2.status).toBe(402);
    // Worst case: 2 shards × 2 results × perShard; the balance covers one perShard.
    expect(r2.body.error).toMatchObject({
      code: 'insufficient_funds',
      missing: String(perShard * 4n - perShard),
      required: String(perShard * 4n),
      balance: String(perShard),
    });
    expect((await api.listJobs()).body.jobs.length).toBe(before);
    expect(await me(owner)).toMatchObject({ balance: String(perShard), reserved: '0' });

    for (const bad of ['abc', '-1', '1.5', '0', String(2n ** 128n)]) {
      const r = await matmulJob(owner, 1, { price: bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.error.field).toBe('payment.pricePerWorkUnit');
    }
  });

  it('takes grants only from the operator, within the per-epoch cap', async () => {
    const body = { address: sponsor.address, amount: String(CYCLE) };
    expect((await api.grant(undefined, body)).status).toBe(401);
    expect((await api.grant('Bearer wrong-token-0123456789', body)).status).toBe(403);
    expect((await api.grant(admin, { ...body, amount: '1.5' })).status).toBe(400);
    expect((await api.grant(admin, { address: '0x1234', amount: '1' })).body.error.field).toBe('address');
    const over = await api.grant(admin, { ...body, amount: String(100n * CYCLE) });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({
      code: 'grant_cap_exceeded',
      remaining: String(100n * CYCLE - perShard),
    });
    const ok = await api.grant(admin, body);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ address: sponsor.address.toLowerCase(), amount: String(CYCLE) });
  });

  it('pays nothing for unpaid work the submitter computes itself, whatever the kernel or replication', async () => {
    const submitter = await linked(attacker);
    const workerA = await linked(attacker);
    const workerB = await linked(attackerTwo);
    // The cheapest self-dealing: replication {1, 1}, computed by the submitter's own identity…
    expect((await matmulJob(submitter, 4, { replication: { min: 1, max: 1 } })).status).toBe(201);
    expect(await workerA.work()).toBe(4);
    // …and a quorum of two identities the submitter controls, on another kernel.
    const mandel = await api.createJob(submitter.token, {
      kernel: 'mandelbrot',
      params: { width: 32, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 32, tileSize: 16 },
      replication: { min: 2, max: 2 },
    });
    expect(mandel.status, JSON.stringify(mandel.body)).toBe(201);
    expect(await workerA.work()).toBe(4);
    // A shard whose first result the validator has not finished checking is not offered again yet
    // (it counts as awaiting): let it decide before the second identity asks for work.
    await settle();
    expect(await workerB.work()).toBe(4);
    await settle(); // the validator decides and the assimilator completes, as in the server
    expect((await api.job(mandel.body.jobId)).body.status).toBe('completed');

    const a = await me(workerA);
    expect(a.credit.verified).toBeGreaterThan(0); // credit for the leaderboard…
    expect(a.earnings).toBe('0'); // …but no tokens
    expect((await me(workerB)).earnings).toBe('0');
    await api.closeEpoch(admin);
    for (const wallet of [attacker, attackerTwo]) {
      const rewards = (await api.rewards(wallet.address)).body;
      expect(rewards).toMatchObject({ cumulative: '0', pending: '0', claimable: '0' });
      for (const epoch of (await api.epochs()).body.epochs) {
        expect(epoch.leaves.map((l: { address: string }) => l.address)).not.toContain(
          wallet.address.toLowerCase(),
        );
      }
    }
  });

  it('leaves a submitter that pays its own volunteer with no more than it deposited', async () => {
    const submitter = await linked(selfDealer);
    const worker = await linked(selfDealer);
    await fundWallet(selfDealer, submitter, 10n * CYCLE);
    const deposited = 10n * CYCLE;
    const before = await tokensOf(selfDealer.address);
    expect(before).toBe(deposited);
    await deposit(selfDealer, deposited);
    expect(await tokensOf(selfDealer.address)).toBe(0n);
    expect(await me(submitter)).toMatchObject({
      balance: String(deposited),
      funds: { deposited: String(deposited) },
    });

    // An expensive price, so the fee is large: the volunteer is the submitter itself.
    const expensive = 10n ** 20n;
    const job = await matmulJob(submitter, 4, { price: String(expensive), replication: { min: 1, max: 1 } });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    expect(await worker.work()).toBe(4);
    await settle();
    const summary = (await api.job(job.body.jobId)).body;
    expect(summary.status).toBe('completed');
    const cost = 4_096n * 10n ** 14n; // floor(10^20 × 0.004096) per shard
    expect(summary.payment).toMatchObject({ spent: String(cost * 4n), remaining: '0', refunded: '0' });
    const fee = ((cost * feeBps) / 10_000n) * 4n;
    expect((await me(worker)).earnings).toBe(String(cost * 4n - fee));

    const left = (await me(submitter)).balance;
    expect(BigInt(left)).toBe(deposited - cost * 4n);
    expect((await api.withdraw(submitter.token, { amount: left })).status).toBe(201);
    expect((await api.withdraw(submitter.token, { amount: '1' })).body.error).toMatchObject({
      code: 'insufficient_funds',
      missing: '1',
    });
    expect((await api.closeEpoch(admin)).body.status).toBe('published');
    await claimAll(selfDealer);
    const after = await tokensOf(selfDealer.address);
    expect(after).toBeLessThanOrEqual(deposited);
    expect(after).toBe(deposited - fee);
    // The fee is the treasury's to claim.
    expect((await api.rewards(treasury)).body.cumulative).toBe(String(fee));
  });

  it('refunds a cancelled paid job exactly', async () => {
    const owner = await linked(sponsor);
    const worker = await SimVolunteer.register();
    const start = BigInt((await me(owner)).balance);
    const job = await matmulJob(owner, 4, { price: String(price), replication: { min: 1, max: 2 } });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const reserved = perShard * 2n * 4n;
    expect(await me(owner)).toMatchObject({ balance: String(start - reserved), reserved: String(reserved) });

    const [lease] = await worker.lease(1);
    const [result] = await worker.submitBatch([
      { leaseId: lease!.leaseId, bytes: await worker.compute(lease!) },
    ]);
    expect(result!.status).toBe('pending'); // answered at once; the validator decides and pays later
    await settle();
    expect((await api.job(job.body.jobId)).body.payment).toMatchObject({
      spent: String(perShard),
      remaining: String(reserved - perShard),
      refunded: null,
    });
    await worker.lease(1); // a lease in flight when the job is cancelled pays nothing

    expect((await api.cancel(owner.token, job.body.jobId)).status).toBe(200);
    expect(await me(owner)).toMatchObject({ balance: String(start - perShard), reserved: '0' });
    expect((await api.job(job.body.jobId)).body.payment).toMatchObject({
      spent: String(perShard),
      remaining: '0',
      refunded: String(reserved - perShard),
    });
    expect((await api.cancel(owner.token, job.body.jobId)).status).toBe(200); // again: nothing more
    expect((await me(owner)).balance).toBe(String(start - perShard));
    expect((await me(worker)).earnings).toBe(String(perShard - (perShard * feeBps) / 10_000n));
  });

  it('credits a deposit exactly once, across a coordinator restart and a lost cursor', async () => {
    const holder = await linked(depositor);
    await fundWallet(depositor, holder, 3n * CYCLE);
    const hash = await deposit(depositor, 2n * CYCLE);
    const options = { confirmations: 0, fromBlock: 0n };
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(1);
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(0);

    await testDb.restart(); // the coordinator restarts
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(0);
    // A crash after crediting but before the cursor was stored: everything is read again.
    await testDb.db.execute(sql`DELETE FROM chain_cursors`);
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(0);
    expect((await me(holder)).funds?.deposited).toBe(String(2n * CYCLE));
    const rows = await queryRows<{ key: string }>(
      testDb.db,
      sql`SELECT key FROM ledger_entries WHERE kind = 'deposit' AND address = ${depositor.address.toLowerCase()}`,
    );
    expect(rows).toEqual([{ key: `deposit:${hash}:0` }]);
  });

  it('credits a deposit only once when a re-org moves it to another block', async () => {
    const holder = await linked(depositor);
    const options = { confirmations: 0, fromBlock: 0n };
    await syncDeposits(testDb.db, chain, options);
    const snapshot = (await publicClient.request({ method: 'evm_snapshot' as never })) as Hex;
    const request = await walletOf(depositor).prepareTransactionRequest({
      to: distributor,
      data: encodeFunctionData({ abi: rewardDistributorAbi, functionName: 'deposit', args: [CYCLE / 10n] }),
      gas: 200_000n,
    });
    const signed = await walletOf(depositor).signTransaction(request);
    const hash = await publicClient.sendRawTransaction({ serializedTransaction: signed });
    await publicClient.waitForTransactionReceipt({ hash });
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(1);
    const balance = (await me(holder)).funds!.deposited;

    // The block is re-orged away; an empty block takes its height, and the same transaction is
    // mined again one block later.
    await publicClient.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    await publicClient.request({ method: 'evm_mine' as never });
    expect(await publicClient.sendRawTransaction({ serializedTransaction: signed })).toBe(hash);
    await publicClient.waitForTransactionReceipt({ hash });
    expect((await syncDeposits(testDb.db, chain, options)).credited).toBe(0);
    expect((await me(holder)).funds!.deposited).toBe(balance);
  });

  it('pays a verified result and settles a job exactly once, however often and from however many callers', async () => {
    const owner = await linked(sponsor);
    const worker = await SimVolunteer.register();
    const job = await matmulJob(owner, 2, { price: String(price), replication: { min: 1, max: 1 } });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const jobId = job.body.jobId as string;
    const [lease] = await worker.lease(1);
    await worker.submitBatch([{ leaseId: lease!.leaseId, bytes: await worker.compute(lease!) }]);
    await settle();
    const [credit] = await queryRows<{ result_id: string; volunteer_id: string; work_units: number }>(
      testDb.db,
      sql`SELECT result_id, volunteer_id, work_units FROM credits WHERE job_id = ${jobId}::uuid`,
    );
    const credited = [
      {
        resultId: credit!.result_id,
        volunteerId: credit!.volunteer_id,
        jobId,
        workUnits: Number(credit!.work_units),
      },
    ];
    const spent = async () =>
      (
        await queryRows<{ spent: string }>(
          testDb.db,
          sql`SELECT spent::text FROM job_payments WHERE job_id = ${jobId}::uuid`,
        )
      )[0]!.spent;
    expect(await spent()).toBe(String(perShard));
    // The validator runs again (a retry), and two processes run it at once: nothing more is paid.
    await testDb.db.transaction((tx) => payVerifiedResults(tx, credited));
    await Promise.all([
      testDb.db.transaction((tx) => payVerifiedResults(tx, credited)),
      testDb.db.transaction((tx) => payVerifiedResults(tx, credited)),
    ]);
    expect(await spent()).toBe(String(perShard));
    expect((await me(worker)).earnings).toBe(String(perShard - (perShard * feeBps) / 10_000n));

    // Settling a running job does nothing; after cancellation it refunds once, however often called.
    await testDb.db.transaction((tx) => settleJobFunds(tx, jobId));
    expect((await api.job(jobId)).body.payment.refunded).toBeNull();
    const before = BigInt((await me(owner)).balance);
    expect((await api.cancel(owner.token, jobId)).status).toBe(200);
    await Promise.all([
      testDb.db.transaction((tx) => settleJobFunds(tx, jobId)),
      testDb.db.transaction((tx) => settleJobFunds(tx, jobId)),
    ]);
    expect(BigInt((await me(owner)).balance)).toBe(before + perShard); // the unspent second shard
    // A result verified after the job ended pays nothing.
    await testDb.db.execute(sql`DELETE FROM ledger_entries WHERE result_id = ${credit!.result_id}::uuid`);
    await testDb.db.transaction((tx) => payVerifiedResults(tx, credited));
    expect(await spent()).toBe(String(perShard));
  });
});
