'use client';

import { createContext, useContext } from 'react';
import type { Address } from 'viem';
import { type Config, createConfig, createStorage, http, noopStorage } from 'wagmi';
import { injected } from 'wagmi/connectors';
import { usableLocalStorage } from '@/browser/volunteer/identity-storage';
import { ApiRequestError, browserApi } from '@/lib/api/api-call';
import { getPublicConfig } from '@/lib/api/rewards-api';
import { chainDefinition } from '@/lib/chain/chain-definition';
import type { PublicConfigResponse } from '@/lib/protocol/rewards';

/** The reward chain as `GET /api/v1/config` describes it, every field present. */
export interface RewardChainSettings {
  chainId: number;
  rpcUrl: string;
  distributorAddress: Address;
  tokenAddress: Address;
}

/** What the wallet UI knows about the chain: still loading, none configured, failed, or ready. */
export type WalletSettings =
  | { status: 'loading' }
  | { status: 'no-chain' }
  | { status: 'error'; message: string }
  | { status: 'ready'; chain: RewardChainSettings; wagmi: Config };

export const WalletSettingsContext = createContext<WalletSettings>({ status: 'loading' });

/** The wallet settings from the nearest `Providers`. */
export function useWalletSettings(): WalletSettings {
  return useContext(WalletSettingsContext);
}

/**
 * Reads the chain from `GET /api/v1/config` and builds the wagmi config for it: the chain is a
 * run-time setting of the coordinator (anvil in development, a real chain in production), so it
 * cannot be compiled in. Connectors: the generic `injected()` plus every wallet that announces
 * itself through EIP-6963 (wagmi's multi-injected-provider discovery), each with its name and icon.
 */
export async function loadWalletSettings(): Promise<WalletSettings> {
  let config: PublicConfigResponse;
  try {
    config = await getPublicConfig(browserApi);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 0) {
      return { status: 'error', message: `The server could not be reached (${error.message}).` };
    }
    return {
      status: 'error',
      message:
        error instanceof ApiRequestError && error.status === 502
          ? 'The server sent an unexpected configuration.'
          : `GET /api/v1/config failed (${(error as Error).message})`,
    };
  }
  const { chainId, rpcUrl, distributorAddress, tokenAddress } = config;
  if (chainId === null || rpcUrl === null || distributorAddress === null || tokenAddress === null) {
    return { status: 'no-chain' };
  }
  const chain = chainDefinition(chainId, rpcUrl);
  const wagmi = createConfig({
    chains: [chain],
    connectors: [injected()],
    transports: { [chain.id]: http(rpcUrl) },
    multiInjectedProviderDiscovery: true,
    // wagmi's default reads `window.localStorage`, which throws in a frame whose storage is blocked
    // (the widget on another site): remember the wallet only where storage is allowed.
    storage: createStorage({ storage: usableLocalStorage() ?? noopStorage }),
  });
  return {
    status: 'ready',
    chain: {
      chainId,
      rpcUrl,
      distributorAddress: distributorAddress as Address,
      tokenAddress: tokenAddress as Address,
    },
    wagmi,
  };
}
