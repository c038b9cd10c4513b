import type { Address, Hex } from 'viem';
import { createRewardChain, type RewardChain } from '../../chain/reward-chain';
import { env } from '../../env';
import { getPublicConfig } from '../get-public-config';

const cache = new Map<string, RewardChain>();

/**
 * The distributor this coordinator pays through, from the same settings the browser gets
 * (`GET /api/v1/config`: explicit RPC_URL/CHAIN_ID/DISTRIBUTOR_ADDRESS, else the dev chain in
 * DATA_DIR) plus PUBLISHER_PRIVATE_KEY; `null` when no chain is configured.
 */
export async function getRewardChain(): Promise<RewardChain | null> {
  const config = await getPublicConfig();
  if (config.rpcUrl === null || config.chainId === null || config.distributorAddress === null) return null;
  const publisherKey = env().PUBLISHER_PRIVATE_KEY as Hex | undefined;
  const key = [config.rpcUrl, config.chainId, config.distributorAddress, publisherKey ?? ''].join('|');
  let chain = cache.get(key);
  if (!chain) {
    chain = createRewardChain({
      rpcUrl: config.rpcUrl,
      chainId: config.chainId,
      distributor: config.distributorAddress as Address,
      publisherKey,
    });
    cache.set(key, chain);
  }
  return chain;
}
