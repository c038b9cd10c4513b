import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clock } from '@/lib/coordinator/clock';
import { resetEnvCache } from '@/lib/env';
import { api, testDbForFile } from './harness';
import { linkWallet, signIn, testDomain } from './siwe-helpers';
import { SimVolunteer } from './volunteer-sim';

// Sign-In with Ethereum through the real route handlers. No chain is needed: ordinary wallet
// signatures are checked offline. The chain id comes from CHAIN_ID; DATA_DIR is empty so no dev
// chain is picked up from a developer's .data folder.
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sc-siwe-'));
  Object.assign(process.env, { CHAIN_ID: '31337', DATA_DIR: dataDir, SIWE_NONCE_SECONDS: '600' });
  delete process.env.RPC_URL;
  delete process.env.PUBLIC_URL;
  resetEnvCache();
});
// Opened after the settings above: the pipeline it starts reads them.
testDbForFile();

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetEnvCache();
});

afterEach(() => {
  clock.now = () => new Date();
});

const newAccount = () => privateKeyToAccount(generatePrivateKey());

async function linkedAddress(volunteer: SimVolunteer): Promise<string | null> {
  const r = await api.me(volunteer.token);
  expect(r.status).toBe(200);
  return r.body.address;
}

describe('Sign-In with Ethereum', () => {
  it('hands out a single-use nonce with the domain, URI and chain to sign for', async () => {
    const volunteer = await SimVolunteer.register();
    const r = await api.siweNonce(volunteer.token);
    expect(r.status).toBe(200);
    expect(r.body.nonce).toMatch(/^[a-zA-Z0-9]{8,}$/);
    expect(r.body).toMatchObject({ domain: testDomain, uri: `http://${testDomain}`, chainId: 31337 });
    const ttl = Date.parse(r.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect((await api.siweNonce(volunteer.token)).body.nonce).not.toBe(r.body.nonce);
  });

  it('needs a volunteer token for both calls', async () => {
    expect((await api.siweNonce(undefined)).status).toBe(401);
    expect((await api.siweNonce('sc_unknown')).status).toBe(401);
    const r = await api.siweVerify(undefined, { message: 'x', signature: '0x00' });
    expect(r.status).toBe(401);
  });

  it('links the signing wallet (lower-case) to the Bearer volunteer', async () => {
    const volunteer = await SimVolunteer.register();
    const account = newAccount();
    expect(await linkedAddress(volunteer)).toBeNull();
    await linkWallet(volunteer.token, account);
    expect(await linkedAddress(volunteer)).toBe(account.address.toLowerCase());
    // Signing in again with the same wallet (new nonce) is fine.
    await linkWallet(volunteer.token, account);
  });

  it('lets several volunteers link the same wallet', async () => {
    const account = newAccount();
    const [a, b] = [await SimVolunteer.register(), await SimVolunteer.register()];
    await linkWallet(a.token, account);
    await linkWallet(b.token, account);
    expect(await linkedAddress(a)).toBe(account.address.toLowerCase());
    expect(await linkedAddress(b)).toBe(account.address.toLowerCase());
  });

  it('rejects a reused nonce (replay of a signed message)', async () => {
    const volunteer = await SimVolunteer.register();
    const account = newAccount();
    const signed = await signIn(volunteer.token, account);
    expect((await api.siweVerify(volunteer.token, signed)).status).toBe(200);
    const again = await api.siweVerify(volunteer.token, signed);
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/already used/);

    // The replay of someone else's message by another volunteer links nothing either.
    const other = await SimVolunteer.register();
    const replay = await api.siweVerify(other.token, signed);
    expect(replay.status).toBe(401);
    expect(await linkedAddress(other)).toBeNull();
  });

  it('rejects a nonce issued to another volunteer', async () => {
    const [owner, thief] = [await SimVolunteer.register(), await SimVolunteer.register()];
    const signed = await signIn(owner.token, newAccount());
    const r = await api.siweVerify(thief.token, signed);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/Unknown nonce/);
    expect(await linkedAddress(thief)).toBeNull();
    // The owner can still use it: the failed attempt did not consume it.
    expect((await api.siweVerify(owner.token, signed)).status).toBe(200);
  });

  it('rejects a nonce that does not exist', async () => {
    const volunteer = await SimVolunteer.register();
    const r = await api.siweVerify(
      volunteer.token,
      await signIn(volunteer.token, newAccount(), { nonce: 'madeUp12345' }),
    );
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/Unknown nonce/);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects an expired nonce', async () => {
    const volunteer = await SimVolunteer.register();
    const signed = await signIn(volunteer.token, newAccount(), { expirationTime: undefined });
    const later = Date.now() + 601_000;
    clock.now = () => new Date(later);
    const r = await api.siweVerify(volunteer.token, signed);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/nonce expired/);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects a message for another domain', async () => {
    const volunteer = await SimVolunteer.register();
    const signed = await signIn(volunteer.token, newAccount(), {
      domain: 'evil.example',
      uri: 'https://evil.example/login',
    });
    const r = await api.siweVerify(volunteer.token, signed);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/domain "evil.example".*"127\.0\.0\.1:3000"/);
    expect(await linkedAddress(volunteer)).toBeNull();

    // The same signed message sent to a server under another host is also refused.
    const honest = await signIn(volunteer.token, newAccount());
    const elsewhere = await api.siweVerify(volunteer.token, honest, 'http://other-host:3000');
    expect(elsewhere.status).toBe(401);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects a URI that is not on this server', async () => {
    const volunteer = await SimVolunteer.register();
    const signed = await signIn(volunteer.token, newAccount(), { uri: 'https://evil.example/' });
    const r = await api.siweVerify(volunteer.token, signed);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/URI/);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects a message for another chain', async () => {
    const volunteer = await SimVolunteer.register();
    const r = await api.siweVerify(
      volunteer.token,
      await signIn(volunteer.token, newAccount(), { chainId: 1 }),
    );
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/chain 1.*chain 31337/);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects an expired message and one not valid yet', async () => {
    const volunteer = await SimVolunteer.register();
    const expired = await signIn(volunteer.token, newAccount(), {
      issuedAt: new Date(Date.now() - 120_000),
      expirationTime: new Date(Date.now() - 60_000),
    });
    const r = await api.siweVerify(volunteer.token, expired);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired at/);

    const early = await signIn(volunteer.token, newAccount(), {
      notBefore: new Date(Date.now() + 3_600_000),
    });
    const e = await api.siweVerify(volunteer.token, early);
    expect(e.status).toBe(401);
    expect(e.body.error.message).toMatch(/not valid before/);
    expect(await linkedAddress(volunteer)).toBeNull();
  });

  it('rejects a message issued in the future (2099), allows a small clock skew', async () => {
    const volunteer = await SimVolunteer.register();
    const future = await signIn(volunteer.token, newAccount(), {
      issuedAt: new Date('2099-01-01T00:00:00Z'),
      expirationTime: new Date('2099-01-02T00:00:00Z'),
    });
    const r = await api.siweVerify(volunteer.token, future);
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/in the future/),
    });
    expect(await linkedAddress(volunteer)).toBeNull();
    // A wallet whose clock runs 30 s ahead still signs in.
    const skewed = await signIn(volunteer.token, newAccount(), { issuedAt: new Date(Date.now() + 30_000) });
    expect((await api.siweVerify(volunteer.token, skewed)).status).toBe(200);
  });

  it('rejects a bad signature: another key, or a message altered after signing', async () => {
    const volunteer = await SimVolunteer.register();
    const account = newAccount();
    const signed = await signIn(volunteer.token, account);
    const byOther = await newAccount().signMessage({ message: signed.message });
    const r = await api.siweVerify(volunteer.token, { message: signed.message, signature: byOther });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/signature was not made by/);

    const altered = signed.message.replace('Link this wallet', 'Link that wallet');
    const a = await api.siweVerify(volunteer.token, { message: altered, signature: signed.signature });
    expect(a.status).toBe(401);

    const garbage = await api.siweVerify(volunteer.token, {
      message: signed.message,
      signature: '0xdeadbeef',
    });
    expect(garbage.status).toBe(401);
    expect(await linkedAddress(volunteer)).toBeNull();

    // None of this consumed the nonce: the genuine signature still links.
    expect((await api.siweVerify(volunteer.token, signed)).status).toBe(200);
  });

  it('keeps a linked volunteer on its wallet (409 for another one)', async () => {
    const volunteer = await SimVolunteer.register();
    const first = newAccount();
    await linkWallet(volunteer.token, first);
    const r = await api.siweVerify(volunteer.token, await signIn(volunteer.token, newAccount()));
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain(first.address.toLowerCase());
    expect(await linkedAddress(volunteer)).toBe(first.address.toLowerCase());
  });

  it('answers 400 for a body or message that is not Sign-In with Ethereum', async () => {
    const volunteer = await SimVolunteer.register();
    const cases: [unknown, string][] = [
      [{}, 'message'],
      [{ message: 'hello', signature: '0x00' }, 'message'],
      [{ message: 'x', signature: 'not hex' }, 'signature'],
      [{ message: 'x', signature: '0x00', extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const r = await api.siweVerify(volunteer.token, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toMatch(/invalid_request/);
      if (field) expect(r.body.error.field).toBe(field);
    }
  });
});
