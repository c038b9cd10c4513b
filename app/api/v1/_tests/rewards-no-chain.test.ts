import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { api, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

// A coordinator with no chain configured (no RPC_URL, no dev chain in DATA_DIR): the reward
// endpoints say so with 503s or a `chainError`, never a 500.
let dataDir: string;
const savedEnv = { ...process.env };
const adminToken = 'no-chain-admin-token-0123';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sc-no-chain-'));
  process.env.DATA_DIR = dataDir;
  process.env.ADMIN_TOKEN = adminToken;
  for (const key of ['RPC_URL', 'CHAIN_ID', 'DISTRIBUTOR_ADDRESS', 'TOKEN_ADDRESS', 'PUBLIC_URL']) {
    delete process.env[key];
  }
  resetEnvCache();
});
// Opened after the settings above: the pipeline it starts reads them.
testDbForFile();

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetEnvCache();
});

describe('rewards without a chain', () => {
  it('cannot close an epoch (503), but still checks the admin token first', async () => {
    expect((await api.closeEpoch()).status).toBe(401);
    expect((await api.closeEpoch('Bearer wrong-token-wrong-token')).status).toBe(403);
    const r = await api.closeEpoch(`Bearer ${adminToken}`);
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'service_unavailable' });
    expect(r.body.error.message).toMatch(/RPC_URL/);
  });

  it('serves rewards with an explanation instead of claim data', async () => {
    const r = await api.rewards('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      address: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
      epoch: null,
      cumulative: '0',
      proof: [],
      claimed: null,
      claimable: null,
      chainId: null,
    });
    expect(r.body.chainError).toMatch(/No reward chain/);
    expect((await api.epochs()).body).toEqual({ leafEncoding: ['address', 'uint256'], epochs: [] });
  });

  it('offers no wallet sign-in (503)', async () => {
    const volunteer = await SimVolunteer.register();
    const r = await api.siweNonce(volunteer.token);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('service_unavailable');
  });
});
