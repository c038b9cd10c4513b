import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Address, createPublicClient, createWalletClient, http, isAddress, keccak256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startAnvil } from './anvil';
import { deployContracts } from './deploy';
import { devChainFile } from './dev-chain-file';
import { rewardDistributorBytecode } from './generated/contracts';

/**
 * anvil's first well-known development key. Public knowledge: only ever used on the local dev chain.
 */
export const devPublisherKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;

export interface DevChain {
  process: ChildProcess;
  chainId: number;
  distributorAddress: Address;
  tokenAddress: Address;
  /** Settings for the Next.js process (the env schema reads them). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface Recorded {
  chainId: number;
  rpcUrl: string;
  tokenAddress: Address;
  distributorAddress: Address;
  /** keccak256 of the distributor's creation code: a changed contract is deployed anew. */
  codeHash?: string;
}

const codeHash = keccak256(rewardDistributorBytecode);

/**
 * The local chain of `npm run dev`: anvil on `port`, its state kept in DATA_DIR between runs, and
 * the contracts deployed once — the addresses are remembered in `DATA_DIR/chain.json` and deployed
 * again whenever the chain does not have them (a new or reset chain).
 */
export async function startDevChain(options: { dataDir: string; port: number }): Promise<DevChain> {
  const stateFile = path.join(options.dataDir, 'anvil-state.json');
  const anvil = await startAnvil({
    port: options.port,
    chainId: foundry.id,
    args: ['--state', stateFile, '--state-interval', '10'],
  });
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const account = privateKeyToAccount(devPublisherKey);
  const recordFile = devChainFile(options.dataDir);

  let recorded: Recorded | undefined;
  try {
    const parsed = JSON.parse(await readFile(recordFile, 'utf8')) as Recorded;
    if (isAddress(parsed.distributorAddress) && isAddress(parsed.tokenAddress)) recorded = parsed;
  } catch {
    recorded = undefined;
  }
  const deployed = recorded
    ? await publicClient.getCode({ address: recorded.distributorAddress })
    : undefined;
  if (!recorded || !deployed || deployed === '0x' || recorded.codeHash !== codeHash) {
    const walletClient = createWalletClient({ chain: foundry, transport, account });
    const contracts = await deployContracts(walletClient, publicClient);
    recorded = {
      chainId: foundry.id,
      rpcUrl: anvil.rpcUrl,
      tokenAddress: contracts.token,
      distributorAddress: contracts.distributor,
      codeHash,
    };
    await writeFile(recordFile, `${JSON.stringify(recorded, null, 2)}\n`);
  }
  return {
    process: anvil.process,
    chainId: recorded.chainId,
    distributorAddress: recorded.distributorAddress,
    tokenAddress: recorded.tokenAddress,
    env: {
      RPC_URL: anvil.rpcUrl,
      CHAIN_ID: String(recorded.chainId),
      TOKEN_ADDRESS: recorded.tokenAddress,
      DISTRIBUTOR_ADDRESS: recorded.distributorAddress,
      PUBLISHER_PRIVATE_KEY: devPublisherKey,
    },
    stop: anvil.stop,
  };
}
