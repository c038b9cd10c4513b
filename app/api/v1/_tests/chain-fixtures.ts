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
  /** The coordinator settings that point at this chain (for `setEnv`). */
  settings: Record<string, string>;
}

/** Starts anvil and deploys the contracts with `publisherKey` as deployer and publisher. */
export async function deployTestChain(publisherKey: Hex): Promise<TestChain> {
  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const deployer = createWalletClient({
    chain: foundry,
    transport,
    account: privateKeyToAccount(publisherKey),
  });
  const { distributor, token } = await deployContracts(deployer, publicClient);
  return {
    anvil,
    publicClient,
    distributor,
    token,
    chain: createRewardChain({ rpcUrl: anvil.rpcUrl, chainId: foundry.id, distributor, publisherKey }),
    settings: {
      RPC_URL: anvil.rpcUrl,
      CHAIN_ID: String(foundry.id),
      DISTRIBUTOR_ADDRESS: distributor,
      TOKEN_ADDRESS: token,
      PUBLISHER_PRIVATE_KEY: publisherKey,
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
