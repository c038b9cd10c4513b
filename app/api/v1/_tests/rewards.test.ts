import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { sql } from 'drizzle-orm';
import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEventLogs,
  type Transport,
  type WalletClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anvil } from '@/lib/chain/anvil';
import { rewardDistributorAbi, spareCyclesTokenAbi } from '@/lib/chain/generated/contracts';
import type { RewardChain } from '@/lib/chain/reward-chain';
import { closeEpoch } from '@/lib/coordinator/rewards/close-epoch';
import { startEpochScheduler } from '@/lib/coordinator/rewards/epoch-scheduler';
import { queryRows } from '@/lib/db/client';
import { writeNpy } from '@/lib/kernels/npy';
import { deployTestChain, setEnv, type TestChain } from './chain-fixtures';
import { api, settle, testDbForFile, toBase64 } from './harness';
import { linkWallet } from './siwe-helpers';
import { SimVolunteer } from './volunteer-sim';

// Rewards end to end below the browser: a sponsor's wallet is granted balance by the operator and
// pays for a job; volunteers earn from its verified results over the HTTP API, link wallets with
// Sign-In with Ethereum, the coordinator closes epochs on a real anvil chain with the real
// contracts, and wallets claim with the proofs the API serves. The cases run in order on one chain
// and one database, each building on what the previous ones left. No protocol fee here (no
// treasury), so earnings equal price × work units; paid-jobs.test.ts covers the fee.

// anvil's well-known dev keys (public; they only ever hold test ether): #0 publishes, #1 and #2
// claim, #3 sponsors the job.
const publisherKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const wallet1 = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const wallet2 = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const sponsor = privateKeyToAccount('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6');
const adminToken = 'test-admin-token-0123456789';
const admin = `Bearer ${adminToken}`;

// matmul shards of 16×16 with k = 8: 2·16·16·8 = 4096 operations = 0.004096 work units each,
// which at a price of 10¹⁵ token units per work unit is exactly 4.096·10¹² token units.
const tile = 16;
const k = 8;
const price = 10n ** 15n;
const perShard = 2n * 16n * 16n * 8n * 10n ** 9n;

let anvil: Anvil;
let publicClient: PublicClient;
let distributor: Address;
let token: Address;
let chain: RewardChain;

let testChain: TestChain | undefined;

beforeAll(async () => {
  testChain = await deployTestChain(publisherKey, {
    ADMIN_TOKEN: adminToken,
    TREASURY_ADDRESS: undefined,
    PUBLIC_URL: undefined,
  });
  ({ anvil, publicClient, distributor, token, chain } = testChain);
});
// Opened after the settings above: the pipeline it starts reads them.
const testDb = testDbForFile();

afterAll(async () => {
  await testChain?.dispose();
});

let owner: SimVolunteer;

/**
 * A paid matmul job of `shards` 16×16 tiles (one result each verifies it: Freivalds on the
 * server), funded by an operator grant to the sponsor's wallet.
 */
async function createJob(shards: number): Promise<void> {
  owner = await SimVolunteer.register();
  await linkWallet(owner.token, sponsor);
  const reservation = perShard * 3n * BigInt(shards); // replication.max is 3 for matmul
  const g = await api.grant(admin, { address: sponsor.address, amount: String(reservation + 10n ** 18n) });
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  const m = tile * shards;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * tile).map((_, i) => ((i * 5) % 11) - 5);
  const r = await api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m, n: tile, k, tileRows: tile, tileCols: tile },
    inputs: { a: toBase64(writeNpy(m, k, a)), b: toBase64(writeNpy(k, tile, b)) },
    payment: { pricePerWorkUnit: String(price) },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.shards).toBe(shards);
  expect((await api.me(owner.token)).body).toMatchObject({
    balance: String(10n ** 18n),
    reserved: String(reservation),
  });
}

/** Leases exactly `count` shards and submits honest results; returns what they earned in token units. */
async function work(volunteer: SimVolunteer, count: number): Promise<bigint> {
  const leases = await volunteer.lease(count);
  expect(leases).toHaveLength(count);
  const parts = await Promise.all(
    leases.map(async (l) => ({ leaseId: l.leaseId, bytes: await volunteer.compute(l) })),
  );
  for (const result of await volunteer.submitBatch(parts)) expect(result.status).toBe('pending');
  await settle();
  for (const result of await volunteer.submitBatch(parts)) expect(result.status).toBe('valid');
  return perShard * BigInt(count);
}

async function chainEpoch(): Promise<bigint> {
  return publicClient.readContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'epoch',
  });
}

function balanceOf(account: Address): Promise<bigint> {
  return publicClient.readContract({
    address: token,
    abi: spareCyclesTokenAbi,
    functionName: 'balanceOf',
    args: [account],
  });
}

function walletOf(account: Account): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
}

/** Claims with the arguments the API serves; returns the amount the `Claimed` event reports. */
async function claim(account: Account, rewards: { cumulative: string; proof: Hex[] }): Promise<bigint> {
  const hash = await walletOf(account).writeContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'claim',
    args: [account.address, BigInt(rewards.cumulative), rewards.proof],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
  const [event] = parseEventLogs({ abi: rewardDistributorAbi, eventName: 'Claimed', logs: receipt.logs });
  return event!.args.amount;
}

/** The custom error a simulated claim reverts with. */
async function claimRevert(account: Address, cumulative: bigint, proof: Hex[]): Promise<string | undefined> {
  try {
    await publicClient.simulateContract({
      account: wallet1,
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [account, cumulative, proof],
    });
  } catch (error) {
    const reverted =
      error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName;
    throw error;
  }
  throw new Error('expected the claim to revert');
}

async function dbEpochs(): Promise<
  { epoch: number; status: string; root: string; tx_hash: string | null }[]
> {
  return queryRows(testDb.db, sql`SELECT epoch, status, root, tx_hash FROM reward_epochs ORDER BY epoch`);
}

describe('reward epochs on anvil', () => {
  const earned = { w1: 0n, w2: 0n };
  let a: SimVolunteer;
  let b: SimVolunteer;
  let c: SimVolunteer;
  let unlinked: SimVolunteer;

  it('guards POST /api/v1/epochs with the admin token', async () => {
    expect((await api.closeEpoch()).status).toBe(401);
    expect((await api.closeEpoch('Basic x')).status).toBe(401);
    const wrong = await api.closeEpoch('Bearer not-the-admin-token');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
  });

  it('publishes nothing before any wallet-linked volunteer has earnings', async () => {
    a = await SimVolunteer.register();
    b = await SimVolunteer.register();
    c = await SimVolunteer.register();
    unlinked = await SimVolunteer.register();
    await linkWallet(a.token, wallet1);
    const r = await api.closeEpoch(admin);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ epoch: null, root: null, txHash: null, status: 'empty' });
    expect(await chainEpoch()).toBe(0n);
    expect((await api.epochs()).body.epochs).toEqual([]);
  });

  it('publishes the summed earnings per wallet, counting earnings before linking', async () => {
    await createJob(24);
    earned.w1 += await work(a, 3);
    earned.w1 += await work(b, 2); // b links wallet 1 only after working
    earned.w2 += await work(c, 1);
    await work(unlinked, 1); // never linked: not in any tree
    await linkWallet(b.token, wallet1);
    await linkWallet(c.token, wallet2);

    const r = await api.closeEpoch(admin);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ epoch: 1, status: 'published' });
    expect(r.body.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await chainEpoch()).toBe(1n);
    const root = await publicClient.readContract({
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'merkleRoot',
    });
    expect(r.body.root).toBe(root);
    const receipt = await publicClient.getTransactionReceipt({ hash: r.body.txHash });
    expect(receipt.status).toBe('success');

    // Anyone can recompute the root from GET /api/v1/epochs.
    const list = await api.epochs();
    expect(list.status).toBe(200);
    const [epoch] = list.body.epochs;
    expect(epoch).toMatchObject({
      epoch: 1,
      root,
      txHash: r.body.txHash,
      total: String(earned.w1 + earned.w2),
    });
    expect(epoch.leaves).toEqual(
      [
        { address: wallet1.address.toLowerCase(), cumulative: String(earned.w1) },
        { address: wallet2.address.toLowerCase(), cumulative: String(earned.w2) },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );
    const recomputed = StandardMerkleTree.of(
      epoch.leaves.map((l: { address: string; cumulative: string }) => [l.address, BigInt(l.cumulative)]),
      list.body.leafEncoding,
    );
    expect(recomputed.root).toBe(root);
  });

  it('serves a proof that pays exactly the cumulative credit, once', async () => {
    const before = await api.rewards(wallet1.address);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      address: wallet1.address.toLowerCase(),
      chainId: foundry.id,
      distributorAddress: distributor,
      tokenAddress: token,
      epoch: 1,
      cumulative: String(earned.w1),
      claimed: '0',
      claimable: String(earned.w1),
      pending: '0',
      chainError: null,
    });
    expect(before.body.history).toEqual([
      expect.objectContaining({ epoch: 1, cumulative: String(earned.w1) }),
    ]);

    const { cumulative, proof } = before.body;
    // A wrong amount, or wallet 2's proof for wallet 1, is rejected by the contract.
    expect(await claimRevert(wallet1.address, BigInt(cumulative) + 1n, proof)).toBe('InvalidProof');
    const other = (await api.rewards(wallet2.address)).body;
    expect(await claimRevert(wallet1.address, BigInt(other.cumulative), other.proof)).toBe('InvalidProof');
    expect(await claimRevert(wallet2.address, BigInt(cumulative), proof)).toBe('InvalidProof');

    expect(await claim(wallet1, before.body)).toBe(earned.w1);
    expect(await balanceOf(wallet1.address)).toBe(earned.w1);

    // The second claim pays nothing more.
    expect(await claimRevert(wallet1.address, BigInt(cumulative), proof)).toBe('NothingToClaim');
    expect(await balanceOf(wallet1.address)).toBe(earned.w1);
    const after = await api.rewards(wallet1.address);
    expect(after.body).toMatchObject({
      claimed: String(earned.w1),
      claimable: '0',
      cumulative: String(earned.w1),
    });
  });

  it('answers for an address without credit, and 400 for a bad address', async () => {
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    const r = await api.rewards(stranger.toUpperCase().replace('0X', '0x'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      epoch: 1,
      cumulative: '0',
      proof: [],
      claimed: '0',
      claimable: '0',
      history: [],
    });
    expect((await api.epochs('?limit=0')).status).toBe(400);
    expect((await api.epochs('?limit=abc')).body.error.field).toBe('limit');
    for (const bad of ['0x123', 'hello', `${stranger}00`]) {
      const e = await api.rewards(bad);
      expect(e.status, bad).toBe(400);
      expect(e.body.error.field).toBe('address');
    }
  });

  it('publishes nothing when no credit changed', async () => {
    const r = await api.closeEpoch(admin);
    expect(r.body).toMatchObject({ epoch: 1, status: 'unchanged' });
    expect(await chainEpoch()).toBe(1n);
    expect(await dbEpochs()).toHaveLength(1);
  });

  it('shows new credit as pending, then raises the cumulative amount; claims pay only the increase', async () => {
    earned.w2 += await work(c, 2);
    expect((await api.rewards(wallet2.address)).body.pending).toBe(String(perShard * 2n));
    const r = await api.closeEpoch(admin);
    expect(r.body).toMatchObject({ epoch: 2, status: 'published' });
    const w2 = (await api.rewards(wallet2.address)).body;
    expect(w2).toMatchObject({ epoch: 2, cumulative: String(earned.w2), claimed: '0', pending: '0' });
    expect(w2.history.map((h: { epoch: number }) => h.epoch)).toEqual([2, 1]);
    expect(await claim(wallet2, w2)).toBe(earned.w2);

    // Wallet 1's amount is unchanged in epoch 2: its new proof pays nothing more.
    const w1 = (await api.rewards(wallet1.address)).body;
    expect(w1).toMatchObject({ epoch: 2, cumulative: String(earned.w1), claimable: '0' });
    expect(await claimRevert(wallet1.address, BigInt(w1.cumulative), w1.proof)).toBe('NothingToClaim');
  });

  it("adds a sponsor's withdrawal to its claimable amount, minted from the grant", async () => {
    earned.w1 += await work(a, 1);
    const withdrawn = 10n ** 17n;
    const w = await api.withdraw(owner.token, { amount: String(withdrawn) });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    expect(w.body.balance).toBe(String(10n ** 18n - withdrawn));
    const r = await api.closeEpoch(admin);
    expect(r.body).toMatchObject({ epoch: 3, status: 'published' });
    const w1 = (await api.rewards(wallet1.address)).body;
    expect(w1.cumulative).toBe(String(earned.w1));
    expect(await claim(wallet1, w1)).toBe(perShard);
    const s = (await api.rewards(sponsor.address)).body;
    expect(s.cumulative).toBe(String(withdrawn));
    expect(await claim(sponsor, s)).toBe(withdrawn);
    expect(await balanceOf(sponsor.address)).toBe(withdrawn);
    // The grants were minted with the roots that needed them, never more than granted.
    const granted = (await api.epochs()).body.epochs.reduce(
      (sum: bigint, e: { grants: string }) => sum + BigInt(e.grants),
      0n,
    );
    expect(granted).toBe(perShard * 3n * 24n + 10n ** 18n);
  });

  it('retries a recorded root the chain never got (failure before broadcast)', async () => {
    earned.w2 += await work(c, 1);
    const failing: RewardChain = {
      ...chain,
      sendRoot: async () => {
        throw new Error('connection reset before broadcast');
      },
    };
    await expect(closeEpoch(testDb.db, failing)).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    const recorded = (await dbEpochs()).at(-1)!;
    expect(recorded).toMatchObject({ epoch: 4, status: 'publishing', tx_hash: null });
    expect(await chainEpoch()).toBe(3n);
    // Not claimable yet: the API keeps serving epoch 3.
    expect((await api.rewards(wallet2.address)).body.epoch).toBe(3);

    const r = await api.closeEpoch(admin);
    expect(r.body).toMatchObject({ epoch: 4, root: recorded.root, status: 'published' });
    expect(await chainEpoch()).toBe(4n);
    const w2 = (await api.rewards(wallet2.address)).body;
    expect(w2.cumulative).toBe(String(earned.w2));
    expect(await claim(wallet2, w2)).toBe(perShard);
  });

  it('finds a root that reached the chain before the process could record it (no second transaction)', async () => {
    earned.w1 += await work(b, 1);
    let sent: Hex | undefined;
    let mined: string | undefined;
    const dying: RewardChain = {
      ...chain,
      sendRoot: async (publication) => {
        sent = await chain.sendRoot(publication);
        mined = await chain.waitForTransaction(sent).catch((error) => `wait failed: ${error}`);
        throw new Error('process killed after broadcast');
      },
    };
    await expect(closeEpoch(testDb.db, dying)).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    // The premise: the root really reached the chain before the "crash".
    expect(mined).toBe('success');
    expect((await dbEpochs()).at(-1)).toMatchObject({ epoch: 5, status: 'publishing', tx_hash: null });
    expect(await chainEpoch()).toBe(5n);

    const neverSends: RewardChain = {
      ...chain,
      sendRoot: async () => {
        throw new Error('must not send again');
      },
    };
    const r = await closeEpoch(testDb.db, neverSends);
    expect(r).toMatchObject({ epoch: 5, status: 'published', txHash: sent });
    expect((await dbEpochs()).at(-1)).toMatchObject({ epoch: 5, status: 'published', tx_hash: sent });
  });

  it('waits for a recorded transaction instead of sending another (failure while waiting)', async () => {
    earned.w2 += await work(c, 1);
    const impatient: RewardChain = {
      ...chain,
      waitForTransaction: async () => {
        throw new Error('receipt wait timed out');
      },
    };
    await expect(closeEpoch(testDb.db, impatient)).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    const recorded = (await dbEpochs()).at(-1)!;
    expect(recorded).toMatchObject({ epoch: 6, status: 'publishing' });
    expect(recorded.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);

    const r = await closeEpoch(testDb.db, {
      ...chain,
      sendRoot: async () => Promise.reject(new Error('no')),
    });
    expect(r).toMatchObject({ epoch: 6, status: 'published', txHash: recorded.tx_hash });
  });

  it('closes one epoch when two processes close at once', async () => {
    earned.w1 += await work(a, 1);
    const results = await Promise.all([closeEpoch(testDb.db, chain), closeEpoch(testDb.db, chain)]);
    expect(results.filter((r) => r.status === 'published')).toHaveLength(1);
    for (const r of results) expect(r.epoch).toBe(7);
    expect(await chainEpoch()).toBe(7n);
    expect(await dbEpochs()).toHaveLength(7);
    const logs = await publicClient.getContractEvents({
      address: distributor,
      abi: rewardDistributorAbi,
      eventName: 'RootPublished',
      fromBlock: 0n,
    });
    expect(logs.map((l) => l.args.epoch)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
  });

  it('skips a scheduled close while the last epoch is younger than the period', async () => {
    earned.w2 += await work(c, 1);
    const r = await closeEpoch(testDb.db, chain, { minIntervalMs: 3_600_000 });
    expect(r).toMatchObject({ epoch: 7, status: 'unchanged' });
    expect(await chainEpoch()).toBe(7n);
  });

  it('closes epochs on its own schedule, resuming an interrupted one first', async () => {
    // Epoch 8 is recorded but its send fails, as if the process died; the scheduler finishes it.
    await expect(
      closeEpoch(testDb.db, { ...chain, sendRoot: () => Promise.reject(new Error('crash')) }),
    ).rejects.toMatchObject({ code: 'service_unavailable' });
    expect((await dbEpochs()).at(-1)).toMatchObject({ epoch: 8, status: 'publishing' });
    const scheduler = startEpochScheduler({ periodMs: 0, tickMs: 100, resumeAfterMs: 0 });
    try {
      await expect.poll(chainEpoch, { timeout: 10_000 }).toBe(8n);
      earned.w1 += await work(a, 1);
      await expect.poll(chainEpoch, { timeout: 10_000 }).toBe(9n);
    } finally {
      scheduler.stop();
    }
    await expect.poll(async () => (await dbEpochs()).at(-1)?.status, { timeout: 10_000 }).toBe('published');
    expect(await dbEpochs()).toHaveLength(9);
  });

  it('pays every wallet its full cumulative credit in the end', async () => {
    earned.w2 += await work(c, 1);
    const r = await api.closeEpoch(admin);
    expect(r.body).toMatchObject({ epoch: 10, status: 'published' });
    for (const [account, total] of [
      [wallet1, earned.w1],
      [wallet2, earned.w2],
    ] as const) {
      const rewards = (await api.rewards(account.address)).body;
      expect(rewards.cumulative).toBe(String(total));
      if (rewards.claimable !== '0') await claim(account, rewards);
      expect(await balanceOf(account.address)).toBe(total);
    }
  });

  it('still serves proofs when the chain is unreachable, and says so', async () => {
    setEnv({ RPC_URL: 'http://127.0.0.1:9' });
    try {
      const r = await api.rewards(wallet1.address);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        epoch: 10,
        cumulative: String(earned.w1),
        claimed: null,
        claimable: null,
      });
      expect(r.body.proof.length).toBeGreaterThan(0);
      expect(r.body.chainError).toMatch(/could not be read/);
      const close = await api.closeEpoch(admin);
      expect(close.status).toBe(503);
      expect(close.body.error.code).toBe('service_unavailable');
    } finally {
      setEnv({ RPC_URL: anvil.rpcUrl });
    }
  });
});
