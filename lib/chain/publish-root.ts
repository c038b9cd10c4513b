import type { Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from 'viem';
import { rewardDistributorAbi } from './generated/contracts';

/**
 * Sends `publishRoot(epoch, root)` from the publisher's key and returns the transaction hash
 * without waiting for it to be mined: the caller records the hash first, so a crash while waiting
 * leaves a transaction it can look up instead of one it knows nothing about.
 *
 * The call is simulated first, so a revert (`EpochNotIncreasing`, a missing publisher role)
 * throws with the contract's reason before anything is broadcast.
 *
 * @example
 * const hash = await publishRoot(walletClient, publicClient, distributor, 3n, tree.root);
 */
export async function publishRoot(
  walletClient: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient,
  distributor: Address,
  epoch: bigint,
  root: Hex,
): Promise<Hash> {
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'publishRoot',
    args: [epoch, root],
  });
  return walletClient.writeContract(request);
}
