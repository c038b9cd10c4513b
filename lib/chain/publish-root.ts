import type { Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from 'viem';
import { rewardDistributorAbi } from './generated/contracts';

/** One root as the distributor takes it. */
export interface RootPublication {
  epoch: bigint;
  root: Hex;
  /** Sum of the tree's leaves (token units); the contract refuses more than deposits + grants. */
  total: bigint;
  /** Operator grants to mint with this root (token units), within the contract's cap. */
  grants: bigint;
}

/**
 * Sends `publishRoot(epoch, root, total, grants)` from the publisher's key and returns the transaction hash
 * without waiting for it to be mined: the caller records the hash first, so a crash while waiting
 * leaves a transaction it can look up instead of one it knows nothing about.
 *
 * The call is simulated first, so a revert (`EpochOutOfRange`, `TotalExceedsFunds`,
 * `GrantCapExceeded`, a key that is not the publisher) throws with the contract's reason before
 * anything is broadcast.
 *
 * @example
 * const hash = await publishRoot(walletClient, publicClient, distributor, { epoch: 3n, root: tree.root, total, grants: 0n });
 */
export async function publishRoot(
  walletClient: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient,
  distributor: Address,
  publication: RootPublication,
): Promise<Hash> {
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'publishRoot',
    args: [publication.epoch, publication.root, publication.total, publication.grants],
  });
  return walletClient.writeContract(request);
}
