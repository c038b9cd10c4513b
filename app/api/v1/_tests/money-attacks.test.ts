import { sql } from 'drizzle-orm';
import { type Address, getAddress, type LocalAccount, zeroAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardChain } from '@/lib/chain/reward-chain';
import { clock } from '@/lib/coordinator/clock';
import { closeEpoch } from '@/lib/coordinator/rewards/close-epoch';
import { revokePayments } from '@/lib/coordinator/rewards/revoke-payments';
import { leaseRandom } from '@/lib/coordinator/scheduling/lease-rules';
import { queryRows } from '@/lib/db/client';
import { writeNpy } from '@/lib/kernels/npy';
import { POST as postVerify } from '../auth/verify/route';
import { POST as postGrants } from '../grants/route';
import { POST as postWithdrawals } from '../withdrawals/route';
import { deployTestChain, setEnv, type TestChain } from './chain-fixtures';
import { api, settle, testDbForFile, toBase64 } from './harness';
import { linkWallet, signIn } from './siwe-helpers';
import { SimVolunteer } from './volunteer-sim';

// The money side as an attacker sees it, on a real anvil chain: withdrawals beyond the balance
// (also several at once), amounts in every wrong shape, letter-case variants of one address,
// signed sign-in messages replayed concurrently, cancelling a paid job twice at once.

// anvil's well-known dev key #0 (public; it only ever holds test ether) deploys and publishes.
const publisherKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const treasury = privateKeyToAccount(publisherKey).address;
const adminToken = 'test-admin-token-0123456789';
const admin = `Bearer ${adminToken}`;
const CYCLE = 10n ** 18n;
const price = 10n ** 15n;
const perShard = 4_096n * 10n ** 9n; // floor(price × 0.004096): one 16×16×8 matmul tile

let chain: RewardChain;

let testChain: TestChain | undefined;

beforeAll(async () => {
  testChain = await deployTestChain(publisherKey, {
    ADMIN_TOKEN: adminToken,
    TREASURY_ADDRESS: treasury,
    PROTOCOL_FEE_BPS: '1000',
    GRANT_CAP_PER_EPOCH: String(1000n * CYCLE),
    DEPOSIT_CONFIRMATIONS: '0',
    KNOWN_ANSWER_RATE: '0', // one case turns it on; elsewhere the shards a volunteer gets are all fresh
    PUBLIC_URL: undefined,
  });
  ({ chain } = testChain);
});
// Opened after the settings above: the pipeline it starts reads them.
const testDb = testDbForFile();

afterAll(async () => {
  await testChain?.dispose();
});

const newAccount = () => privateKeyToAccount(generatePrivateKey());

async function linked(account: LocalAccount): Promise<SimVolunteer> {
  const v = await SimVolunteer.register();
  await linkWallet(v.token, account);
  return v;
}

async function money(volunteer: SimVolunteer) {
  const r = await api.me(volunteer.token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    address: string | null;
    balance: string;
    reserved: string;
    earnings: string;
    funds: { deposited: string; granted: string; withdrawn: string; spent: string } | null;
  };
}

async function grant(address: string, amount: bigint) {
  const r = await api.grant(admin, { address, amount: String(amount) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function ledgerRows(address: string) {
  return queryRows<{ kind: string; amount: string }>(
    testDb.db,
    sql`SELECT kind, amount::text FROM ledger_entries WHERE address = ${address.toLowerCase()} ORDER BY id`,
  );
}

function matmulJob(owner: SimVolunteer, shards: number, payment?: unknown, replication = { min: 1, max: 1 }) {
  const tile = 16;
  const k = 8;
  const m = tile * shards;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * tile).map((_, i) => ((i * 5) % 11) - 5);
  return api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m, n: tile, k, tileRows: tile, tileCols: tile },
    inputs: { a: toBase64(writeNpy(m, k, a)), b: toBase64(writeNpy(k, tile, b)) },
    replication,
    ...(payment === undefined ? {} : { payment }),
  });
}

describe('withdrawals under attack', () => {
  it('refuses every malformed amount with a 400 naming `amount`, and stores nothing', async () => {
    const wallet = newAccount();
    const holder = await linked(wallet);
    await grant(wallet.address, CYCLE);
    const bad: unknown[] = [
      1,
      1e18,
      '1e18',
      '-1',
      '0',
      '00',
      '1.5',
      '1.0',
      ' 1',
      '1 ',
      '+1',
      '0x10',
      '',
      '١', // an Arabic-Indic digit: not ASCII
      String(2n ** 128n),
      '9'.repeat(40),
      '9'.repeat(4000),
      null,
      true,
      ['1'],
      { value: '1' },
    ];
    for (const amount of bad) {
      const r = await api.withdraw(holder.token, { amount });
      expect(r.status, `${JSON.stringify(amount)} → ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.field, JSON.stringify(amount)).toBe('amount');
      expect(r.body.error.message).toMatch(/^amount: /);
    }
    const missing = await api.withdraw(holder.token, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('amount');
    const extra = await api.withdraw(holder.token, { amount: '1', to: newAccount().address });
    expect(extra.status).toBe(400);
    expect(extra.body.error.field).toBe('to');
    expect(await ledgerRows(wallet.address)).toEqual([{ kind: 'grant', amount: String(CYCLE) }]);
    expect((await money(holder)).balance).toBe(String(CYCLE));
  });

  it('pays out at most the balance when many withdrawals of all of it arrive at once', async () => {
    const wallet = newAccount();
    const phone = await linked(wallet);
    const laptop = await linked(wallet); // two identities of one wallet share its balance
    await grant(wallet.address, 5n * CYCLE);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.withdraw((i % 2 ? phone : laptop).token, { amount: String(3n * CYCLE) }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(402);
      expect(r.body.error).toMatchObject({ code: 'insufficient_funds', missing: String(CYCLE) });
    }
    expect(await money(phone)).toMatchObject({
      balance: String(2n * CYCLE),
      funds: { withdrawn: String(3n * CYCLE) },
    });
    // A withdrawal and a paid job racing for the same tokens: at most one of them gets them.
    const balance = 2n * CYCLE;
    // 16 tiles of 0.004096 work units at this price cost exactly the whole balance.
    const allOfIt = (balance * 10n ** 6n) / (16n * 4_096n);
    const [w, job] = await Promise.all([
      api.withdraw(phone.token, { amount: String(balance) }),
      matmulJob(laptop, 16, { pricePerWorkUnit: String(allOfIt) }),
    ]);
    expect([w.status, job.status].sort()).toEqual([201, 402]);
    const after = await money(phone);
    expect(BigInt(after.balance)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(after.balance) + BigInt(after.reserved) + BigInt(after.funds!.withdrawn)).toBe(5n * CYCLE);
  });

  it('needs a linked wallet, and a withdrawal only ever goes to the caller’s own wallet', async () => {
    const unlinked = await SimVolunteer.register();
    const r = await api.withdraw(unlinked.token, { amount: '1' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('wallet_required');
    expect((await money(unlinked)).funds).toBeNull();
    expect((await api.withdraw(undefined, { amount: '1' })).status).toBe(401);
    expect((await api.withdraw('sc_forged', { amount: '1' })).status).toBe(401);

    // A stranger without a balance cannot move a funded wallet's balance, whoever it names.
    const rich = newAccount();
    await linked(rich);
    await grant(rich.address, CYCLE);
    const stranger = await linked(newAccount());
    const theft = await api.withdraw(stranger.token, { amount: String(CYCLE) });
    expect(theft.status).toBe(402);
    expect(theft.body.error).toMatchObject({ code: 'insufficient_funds', missing: String(CYCLE) });
    expect(await ledgerRows(rich.address)).toEqual([{ kind: 'grant', amount: String(CYCLE) }]);
  });
});

describe('one address in any letter case', () => {
  it('keeps one balance and one claim whether a grant names it checksummed or lower-case', async () => {
    const wallet = newAccount();
    const checksummed = getAddress(wallet.address);
    const lower = checksummed.toLowerCase();
    await grant(checksummed, CYCLE);
    await grant(lower, CYCLE);
    // Hex digits in upper case (not a valid checksum): still the same account.
    await grant(`0x${lower.slice(2).toUpperCase()}`, CYCLE);
    const holder = await linked(wallet);
    expect(await money(holder)).toMatchObject({
      address: lower,
      balance: String(3n * CYCLE),
      funds: { granted: String(3n * CYCLE) },
    });
    expect((await api.withdraw(holder.token, { amount: String(3n * CYCLE) })).status).toBe(201);
    expect((await api.closeEpoch(admin)).body.status).toBe('published');
    const answers = await Promise.all(
      [checksummed, lower, `0x${lower.slice(2).toUpperCase()}`].map(api.rewards),
    );
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ address: lower, cumulative: String(3n * CYCLE) });
      expect(r.body.proof).toEqual(answers[0]!.body.proof);
    }
    const leaves = (await api.epochs()).body.epochs[0].leaves as { address: string }[];
    expect(leaves.filter((l) => l.address.toLowerCase() === lower)).toEqual([
      { address: lower, cumulative: String(3n * CYCLE) },
    ]);
    // A `0X` prefix, a short or long address and non-hex are malformed, not someone else's account.
    for (const bad of [`0X${lower.slice(2)}`, lower.slice(0, 41), `${lower}0`, `0x${'g'.repeat(40)}`]) {
      const r = await api.rewards(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.field).toBe('address');
      const g = await api.grant(admin, { address: bad, amount: '1' });
      expect(g.status, bad).toBe(400);
      expect(g.body.error.field).toBe('address');
    }
  });

  it('refuses a mixed-case address whose EIP-55 checksum fails (a typo), for grants and claims', async () => {
    const checksummed = getAddress(newAccount().address);
    // Flip the case of one letter: still the same hex, but no longer its checksum.
    const at = checksummed.slice(2).search(/[a-fA-F]/) + 2;
    const flipped = checksummed[at]!;
    const typo = `${checksummed.slice(0, at)}${flipped === flipped.toUpperCase() ? flipped.toLowerCase() : flipped.toUpperCase()}${checksummed.slice(at + 1)}`;
    const g = await api.grant(admin, { address: typo, amount: '1' });
    expect(g.status).toBe(400);
    expect(g.body.error).toMatchObject({ code: 'invalid_request', field: 'address' });
    expect(g.body.error.message).toMatch(/checksum/);
    expect(await ledgerRows(checksummed)).toEqual([]);
    const r = await api.rewards(typo);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('address');
    // Too long or too short and mixed case: the length is what is wrong (and never a 500).
    for (const bad of [`${checksummed}00`, checksummed.slice(0, 40)]) {
      const answer = await api.rewards(bad);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.message).toMatch(/20-byte hex address/);
    }
    expect((await api.rewards(checksummed)).status).toBe(200);
  });

  it('serves an empty proof for an address that earned nothing, so no claim can pay it', async () => {
    const nobody = newAccount().address;
    const r = await api.rewards(nobody);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cumulative: '0', proof: [], pending: '0', claimable: '0' });
  });
});

describe('grants', () => {
  it('refuses malformed amounts with a 400 naming `amount`, and non-operators', async () => {
    const address = newAccount().address;
    for (const amount of [1, '1e18', '-1', '0', '1.5', '', String(2n ** 128n), null]) {
      const r = await api.grant(admin, { address, amount });
      expect(r.status, JSON.stringify(amount)).toBe(400);
      expect(r.body.error.field).toBe('amount');
    }
    expect((await api.grant(admin, { address })).body.error.field).toBe('amount');
    expect((await api.grant(admin, { amount: '1' })).body.error.field).toBe('address');
    const volunteer = await SimVolunteer.register();
    expect((await api.grant(`Bearer ${volunteer.token}`, { address, amount: '1' })).status).toBe(403);
    expect((await api.grant(`Bearer ${adminToken}x`, { address, amount: '1' })).status).toBe(403);
    expect((await api.grant(`Bearer ${adminToken.slice(0, -1)}`, { address, amount: '1' })).status).toBe(403);
    expect(await ledgerRows(address)).toEqual([]);
  });
});

describe('grant cap under concurrency', () => {
  it('never lets grants sent at once pass the per-epoch cap together', async () => {
    const probe = await api.grant(admin, { address: newAccount().address, amount: String(10n ** 30n) });
    expect(probe.status).toBe(409);
    const remaining = BigInt(probe.body.error.remaining);
    expect(remaining).toBeGreaterThan(2n);
    const each = remaining / 2n + 1n; // any two of them exceed what is left
    const wallets = Array.from({ length: 5 }, () => newAccount().address);
    const answers = await Promise.all(
      wallets.map((address) => api.grant(admin, { address, amount: String(each) })),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'grant_cap_exceeded', remaining: String(remaining - each) });
    }
  });
});

describe('paid jobs under attack', () => {
  it('shows an unlinked volunteer no money, and never lets earnings be withdrawn as balance too', async () => {
    const anonymous = await SimVolunteer.register();
    expect(await money(anonymous)).toMatchObject({
      address: null,
      earnings: '0',
      balance: '0',
      reserved: '0',
      funds: null,
    });
    const sponsor = newAccount();
    const owner = await linked(sponsor);
    await grant(sponsor.address, CYCLE);
    expect((await matmulJob(owner, 2, { pricePerWorkUnit: String(price) })).status).toBe(201);
    const payee = newAccount();
    const worker = await linked(payee);
    expect(await worker.work()).toBe(2);
    await settle();
    const net = 2n * (perShard - (perShard * 1000n) / 10_000n);
    expect(await money(worker)).toMatchObject({ earnings: String(net), balance: '0', reserved: '0' });
    // Earnings are claimable as they are; they are not balance, so they cannot be withdrawn (or
    // spent on jobs) a second time.
    const w = await api.withdraw(worker.token, { amount: String(net) });
    expect(w.status).toBe(402);
    expect(w.body.error).toMatchObject({ code: 'insufficient_funds', missing: String(net) });
    expect((await matmulJob(worker, 1, { pricePerWorkUnit: String(price) })).status).toBe(402);
    expect((await api.rewards(payee.address)).body.pending).toBe(String(net));
  });

  it('refuses a malformed price with a 400 naming payment.pricePerWorkUnit, and reserves nothing', async () => {
    const wallet = newAccount();
    const owner = await linked(wallet);
    await grant(wallet.address, CYCLE);
    const before = (await api.listJobs('?limit=100')).body.jobs.length;
    for (const pricePerWorkUnit of [1000, '1e15', '-5', '0', '0.5', ' 1', null, '9'.repeat(60)]) {
      const r = await matmulJob(owner, 1, { pricePerWorkUnit });
      expect(r.status, `${JSON.stringify(pricePerWorkUnit)} → ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field).toBe('payment.pricePerWorkUnit');
    }
    for (const payment of [{}, { pricePerWorkUnit: '1', currency: 'ETH' }, '1000', null]) {
      const r = await matmulJob(owner, 1, payment);
      expect(r.status, JSON.stringify(payment)).toBe(400);
      expect(r.body.error.field).toMatch(/^payment/);
    }
    expect((await api.listJobs('?limit=100')).body.jobs.length).toBe(before);
    expect(await money(owner)).toMatchObject({ balance: String(CYCLE), reserved: '0' });
  });

  it('refunds a paid job once when it is cancelled several times at once', async () => {
    const wallet = newAccount();
    const owner = await linked(wallet);
    await grant(wallet.address, CYCLE);
    const job = await matmulJob(owner, 4, { pricePerWorkUnit: String(price) }, { min: 1, max: 2 });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const worker = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    await worker.submitBatch([{ leaseId: lease!.leaseId, bytes: await worker.compute(lease!) }]);
    await settle();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.cancel(owner.token, job.body.jobId)),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await money(owner)).toMatchObject({ balance: String(CYCLE - perShard), reserved: '0' });
    expect((await api.job(job.body.jobId)).body.payment).toMatchObject({
      spent: String(perShard),
      refunded: String(perShard * 8n - perShard),
    });
    // Nobody else may cancel it (or un-cancel it by cancelling again).
    const other = await SimVolunteer.register();
    expect((await api.cancel(other.token, job.body.jobId)).status).toBe(403);
  });

  it('pays every verified shard of a paid job its price, even when a known-answer replica of one was paid too', async () => {
    const wallet = newAccount();
    const owner = await linked(wallet);
    await grant(wallet.address, CYCLE);
    // replication {1, 1}: the reservation is exactly one result per tile.
    const job = await matmulJob(owner, 4, { pricePerWorkUnit: String(price) });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    expect((await money(owner)).reserved).toBe(String(4n * perShard));
    const first = await SimVolunteer.register();
    const [lease] = await first.lease(1);
    await first.submitBatch([{ leaseId: lease!.leaseId, bytes: await first.compute(lease!) }]);
    await settle();

    // A newcomer gets that verified tile again as a known-answer shard and answers it right.
    const realRandom = leaseRandom.next;
    setEnv({ KNOWN_ANSWER_RATE: '1' });
    leaseRandom.next = () => 0;
    const tested = await SimVolunteer.register();
    let known: Awaited<ReturnType<SimVolunteer['lease']>>;
    try {
      known = await tested.lease(1);
    } finally {
      leaseRandom.next = realRandom;
      setEnv({ KNOWN_ANSWER_RATE: '0' });
    }
    expect(known.map((l) => l.shardId)).toEqual([lease!.shardId]);
    await tested.submitBatch([{ leaseId: known[0]!.leaseId, bytes: await tested.compute(known[0]!) }]);
    await settle();

    // The other three tiles are verified by a third volunteer: each is paid its full price.
    const rest = await SimVolunteer.register();
    expect(await rest.work()).toBe(3);
    await settle();
    const summary = (await api.job(job.body.jobId)).body;
    expect(summary.status).toBe('completed');
    const net = perShard - (perShard * 1000n) / 10_000n;
    expect((await money(first)).earnings).toBe(String(net));
    expect((await money(rest)).earnings).toBe(String(3n * net));
    // The test replica is never paid from the submitter's reservation beyond replication.max.
    expect((await money(tested)).earnings).toBe('0');
    expect(summary.payment).toMatchObject({ spent: String(4n * perShard), refunded: '0' });
  });

  it('never takes back a payment that a published root already pays, even when the coordinator clock lags the database', async () => {
    const wallet = newAccount();
    const owner = await linked(wallet);
    await grant(wallet.address, CYCLE);
    const job = await matmulJob(owner, 1, { pricePerWorkUnit: String(price) });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const payee = newAccount();
    const worker = await linked(payee);
    expect(await worker.work()).toBe(1);
    await settle();
    const net = perShard - (perShard * 1000n) / 10_000n;
    expect((await money(worker)).earnings).toBe(String(net));

    // The epoch closer took its time a minute before the database's (clock skew between the
    // coordinator and Postgres, or a wait for the epoch lock): the payment is in the tree anyway.
    const realNow = clock.now;
    clock.now = () => new Date(Date.now() - 60_000);
    try {
      expect((await api.closeEpoch(admin)).body.status).toBe('published');
    } finally {
      clock.now = realNow;
    }
    expect((await api.rewards(payee.address)).body.cumulative).toBe(String(net));

    // Its volunteer is caught lying later: what a published root pays stays paid, so the
    // submitter is not refunded tokens the volunteer can already claim.
    const [result] = await queryRows<{ result_id: string }>(
      testDb.db,
      sql`SELECT result_id::text FROM credits WHERE job_id = ${job.body.jobId}::uuid`,
    );
    await testDb.db.transaction((tx) => revokePayments(tx, [result!.result_id]));
    expect((await money(worker)).earnings).toBe(String(net));
    expect((await api.job(job.body.jobId)).body.payment).toMatchObject({ spent: String(perShard) });
    expect((await money(owner)).balance).toBe(String(CYCLE - perShard));
  });

  it('keeps the epoch schedule when the coordinator clock lags the database', async () => {
    const wallet = newAccount();
    const holder = await linked(wallet);
    await grant(wallet.address, 2n * CYCLE);
    const realNow = clock.now;
    clock.now = () => new Date(Date.now() - 3_600_000); // an hour behind the database
    try {
      expect((await api.withdraw(holder.token, { amount: String(CYCLE) })).status).toBe(201);
      expect((await closeEpoch(testDb.db, chain)).status).toBe('published');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await api.withdraw(holder.token, { amount: String(CYCLE) })).status).toBe(201);
      // The last epoch is older than 20 ms on every clock that stamped it: the next one closes.
      expect((await closeEpoch(testDb.db, chain, { minIntervalMs: 20 })).status).toBe('published');
    } finally {
      clock.now = realNow;
    }
    expect((await api.rewards(wallet.address)).body.cumulative).toBe(String(2n * CYCLE));
  });

  it('lets no submitter spend a wallet it has not signed for', async () => {
    const victim = newAccount();
    await linked(victim);
    await grant(victim.address, CYCLE);
    const thief = await SimVolunteer.register();
    // Linking someone else's wallet needs that wallet's signature: a message naming the victim
    // signed by another key is refused, so the thief's jobs still have no balance to pay from.
    const forged = await signIn(thief.token, newAccount(), { address: victim.address as Address });
    const link = await api.siweVerify(thief.token, forged);
    expect(link.status).toBe(401);
    const job = await matmulJob(thief, 1, { pricePerWorkUnit: String(price) });
    expect(job.status).toBe(402);
    expect((await money(thief)).address).toBeNull();
  });
});

describe('sign-in races', () => {
  it('links a signed message once when it is sent several times at once', async () => {
    const volunteer = await SimVolunteer.register();
    const wallet = newAccount();
    const signed = await signIn(volunteer.token, wallet);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.siweVerify(volunteer.token, signed)),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/already used/);
    }
  });

  it('refuses a forged signature for the zero address (what a bare ecrecover of garbage returns)', async () => {
    const volunteer = await SimVolunteer.register();
    const nonce = (await api.siweNonce(volunteer.token)).body;
    const message = createSiweMessage({
      address: zeroAddress,
      chainId: nonce.chainId,
      domain: nonce.domain,
      uri: nonce.uri,
      nonce: nonce.nonce,
      version: '1',
      issuedAt: new Date(),
    });
    // The chain is configured here, so a signature that recovers to nobody is also tried as a
    // contract wallet's (ERC-1271 / ERC-6492) on anvil: still refused.
    for (const v of ['1b', '1c']) {
      for (const r of ['00'.repeat(32), '11'.repeat(32)]) {
        const answer = await api.siweVerify(volunteer.token, {
          message,
          signature: `0x${r}${'00'.repeat(32)}${v}`,
        });
        expect(answer.status).toBe(401);
        expect(answer.body.error.message).toMatch(/signature was not made by 0x0{40}/);
      }
    }
    expect((await money(volunteer)).address).toBeNull();
  });

  it('keeps at most a few live nonces per volunteer, however many it asks for', async () => {
    const volunteer = await SimVolunteer.register();
    const wallet = newAccount();
    const first = await signIn(volunteer.token, wallet);
    for (let i = 0; i < 40; i += 1) expect((await api.siweNonce(volunteer.token)).status).toBe(200);
    const [row] = await queryRows<{ count: number }>(
      testDb.db,
      sql`SELECT count(*)::int AS count FROM siwe_nonces WHERE volunteer_id = ${volunteer.id}::uuid`,
    );
    expect(Number(row!.count)).toBeLessThanOrEqual(8);
    // The oldest was retired; a fresh one (among the newest eight) still links.
    const stale = await api.siweVerify(volunteer.token, first);
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/Unknown nonce/);
    const tabs = await Promise.all([signIn(volunteer.token, wallet), signIn(volunteer.token, wallet)]);
    expect((await api.siweVerify(volunteer.token, tabs[0])).status).toBe(200);
    expect((await api.siweVerify(volunteer.token, tabs[1])).status).toBe(200); // the same wallet again
    expect((await money(volunteer)).address).toBe(wallet.address.toLowerCase());
  });

  it('links one wallet when two wallets sign in for one volunteer at once', async () => {
    const volunteer = await SimVolunteer.register();
    const [one, two] = [newAccount(), newAccount()];
    const signed = await Promise.all([signIn(volunteer.token, one), signIn(volunteer.token, two)]);
    const answers = await Promise.all(signed.map((s) => api.siweVerify(volunteer.token, s)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = answers.find((r) => r.status === 200)!.body.address;
    expect((await money(volunteer)).address).toBe(winner);
  });
});

describe('raw bodies on the money endpoints', () => {
  it('answers every malformed body with a 4xx that names the problem, never a 500', async () => {
    const volunteer = await linked(newAccount());
    const calls = [
      { name: 'withdrawals', handler: postWithdrawals, auth: `Bearer ${volunteer.token}` },
      { name: 'grants', handler: postGrants, auth: admin },
      { name: 'auth/verify', handler: postVerify, auth: `Bearer ${volunteer.token}` },
    ];
    const bodies = [
      '[]',
      '"1"',
      '1',
      'null',
      '{"amount":"1"',
      '{"amount":"1"}}',
      '\u0000',
      `{"amount":"${'1'.repeat(5000)}"}`,
    ];
    for (const { name, handler, auth } of calls) {
      for (const body of bodies) {
        const response = await handler(
          new Request(`http://127.0.0.1:3000/api/v1/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body,
          }),
        );
        const answer = await response.json();
        expect(
          response.status,
          `${name} ${body.slice(0, 30)} → ${JSON.stringify(answer)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(response.status, `${name} ${body.slice(0, 30)}`).toBeLessThan(500);
        expect(answer.error.code).toMatch(/^(invalid_json|invalid_request|payload_too_large)$/);
        expect(answer.error.message.length).toBeGreaterThan(10);
      }
    }
    expect((await money(volunteer)).funds).toMatchObject({ withdrawn: '0', granted: '0' });
  });
});
