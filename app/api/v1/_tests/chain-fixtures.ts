import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { type Anvil, startAnvil } from '@/lib/chain/anvil';
import { deployContracts } from '@/lib/chain/deploy';
import { createRewardChain, type RewardChain } from '@/lib/chain/reward-chain';
import { resetEnvCache } from '@/lib/env';

/** A real anvil chain with the token and distributor deployed, for the reward tests. */
export interface TestChain {
  anvil: Anvil;
  publicClient: PublicClient;
  distributor: Address;
  token: Address;
  /** The coordinator's view of the chain, publishing with `publisherKey`. */
  chain: RewardChain;
  /** Stops the chain, removes the data directory and puts the environment back as it was. */
  dispose(): Promise<void>;
}

/**
 * Starts anvil, deploys the contracts with `publisherKey` as deployer and publisher, and points the
 * coordinator's settings at them (a fresh DATA_DIR, plus `settings`: undefined deletes one).
 */
export async function deployTestChain(
  publisherKey: Hex,
  settings: Record<string, string | undefined>,
): Promise<TestChain> {
  const savedEnv = { ...process.env };
  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const deployer = createWalletClient({
    chain: foundry,
    transport,
    account: privateKeyToAccount(publisherKey),
  });
  const { distributor, token } = await deployContracts(deployer, publicClient).catch(async (error) => {
    await anvil.stop();
    throw error;
  });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sc-chain-'));
  setEnv({
    RPC_URL: anvil.rpcUrl,
    CHAIN_ID: String(foundry.id),
    DISTRIBUTOR_ADDRESS: distributor,
    TOKEN_ADDRESS: token,
    PUBLISHER_PRIVATE_KEY: publisherKey,
    DATA_DIR: dataDir,
    ...settings,
  });
  return {
    anvil,
    publicClient,
    distributor,
    token,
    chain: createRewardChain({ rpcUrl: anvil.rpcUrl, chainId: foundry.id, distributor, publisherKey }),
    async dispose() {
      await anvil.stop();
      await rm(dataDir, { recursive: true, force: true });
      process.env = savedEnv;
      resetEnvCache();
    },
  };
}

/** Sets (or, for undefined, deletes) environment variables and makes the settings re-read. */
export function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvCache();
}
