import {
  type Account,
  type Address,
  type Chain,
  getAddress,
  type Hash,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { rewardDistributorAbi, rewardDistributorBytecode } from './generated/contracts';

export interface DeployOptions {
  /** Holds DEFAULT_ADMIN_ROLE (grants and revokes publishers). Default: the deploying account. */
  admin?: Address;
  /** The publisher (the coordinator's key). Default: the deploying account. */
  publisher?: Address;
  /** Most grants mintable per `grantPeriod` seconds, token units. Default: 10⁶ CYCLE. */
  grantCap?: bigint;
  /** Grant window in seconds. Default: one day. */
  grantPeriod?: bigint;
}

/** Default grant cap: one million CYCLE per day, far above what dev and tests grant. */
export const defaultGrantCap = 10n ** 24n;
export const defaultGrantPeriod = 86_400n;

/** Addresses are checksummed. */
export interface DeployedContracts {
  distributor: Address;
  token: Address;
  /** Deployment transaction, for explorers and to start event scans from its block. */
  transactionHash: Hash;
  blockNumber: bigint;
}

/**
 * Deploys the reward contracts with `walletClient`'s account and waits for the receipt.
 *
 * One transaction does it all: the distributor's constructor deploys the CYCLE token (making
 * itself the only minter), names the admin and the publisher and sets the grant cap, so there is
 * no window in which the token exists without its minter or roles are half set.
 *
 * @example
 * const { distributor, token } = await deployContracts(walletClient, publicClient);
 */
export async function deployContracts(
  walletClient: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient,
  options: DeployOptions = {},
): Promise<DeployedContracts> {
  const deployer = walletClient.account.address;
  const transactionHash = await walletClient.deployContract({
    abi: rewardDistributorAbi,
    bytecode: rewardDistributorBytecode,
    args: [
      options.admin ?? deployer,
      options.publisher ?? deployer,
      options.grantCap ?? defaultGrantCap,
      options.grantPeriod ?? defaultGrantPeriod,
    ],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`RewardDistributor deployment failed (transaction ${transactionHash})`);
  }
  const distributor = getAddress(receipt.contractAddress); // receipts carry it in lower case
  const token = await publicClient.readContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: 'token',
    blockNumber: receipt.blockNumber, // a load-balanced RPC may not have the new block everywhere yet
  });
  return { distributor, token, transactionHash, blockNumber: receipt.blockNumber };
}
