import { type Chain, defineChain } from 'viem';
import { foundry } from 'viem/chains';

/**
 * A viem chain for `chainId` served at `rpcUrl`. The coordinator and the browser learn the chain
 * from settings at run time, so it cannot be a static import; anvil keeps viem's `foundry`
 * definition (wallets know it by that name).
 *
 * @example
 * const chain = chainDefinition(31337, 'http://127.0.0.1:8545');
 */
export function chainDefinition(chainId: number, rpcUrl: string): Chain {
  const rpcUrls = { default: { http: [rpcUrl] } };
  if (chainId === foundry.id) return { ...foundry, rpcUrls };
  return defineChain({
    id: chainId,
    name: `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls,
  });
}
