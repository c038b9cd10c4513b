import {
  type Address,
  BlockNotFoundError,
  createPublicClient,
  createWalletClient,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { logger } from '../log/logger';
import { chainDefinition } from './chain-definition';
import { rewardDistributorAbi } from './generated/contracts';
import { publishRoot, type RootPublication } from './publish-root';

/** One `Deposited(account, amount)` event as the coordinator credits it. */
export interface DepositEvent {
  /** Lower-case depositor address. */
  account: Address;
  amount: bigint;
  transactionHash: Hash;
  /** Position of this `Deposited` log among the transaction's `Deposited` logs (stable across re-orgs). */
  indexInTransaction: number;
  blockNumber: bigint;
  blockHash: Hash;
}

/** What the coordinator needs from the distributor contract. An interface so tests can inject faults. */
export interface RewardChain {
  chainId: number;
  distributor: Address;
  /** For reads not covered here (e.g. contract-wallet signatures). */
  publicClient: PublicClient;
  /** Whether this coordinator holds a publisher key (without one it only reads). */
  canPublish: boolean;
  /** The contract's latest `(epoch, merkleRoot)`. */
  readCurrentRoot(): Promise<{ epoch: bigint; root: Hex }>;
  /** `claimed(account)`: token units already paid to `account`. */
  readClaimed(account: Address): Promise<bigint>;
  /** Broadcasts `publishRoot(epoch, root, total, grants)`; resolves with the hash once the node accepted it. */
  sendRoot(publication: RootPublication): Promise<Hash>;
  /** The latest block's number and hash. */
  latestBlock(): Promise<{ number: bigint; hash: Hash }>;
  /** The hash of block `number` on the node's current chain, or null when it has no such block. */
  blockHash(number: bigint): Promise<Hash | null>;
  /** `Deposited` events in blocks `[fromBlock, toBlock]`, in chain order. */
  readDeposits(fromBlock: bigint, toBlock: bigint): Promise<DepositEvent[]>;
  /** Where a transaction stands: mined (`success`/`reverted`), `pending`, or `unknown` to the node. */
  transactionStatus(hash: Hash): Promise<'success' | 'reverted' | 'pending' | 'unknown'>;
  /** Waits until `hash` is mined. */
  waitForTransaction(hash: Hash): Promise<'success' | 'reverted'>;
  /** The transaction that published `epoch`, from the `RootPublished` log, if the node can find it. */
  findRootPublication(epoch: bigint): Promise<Hash | null>;
}

export interface RewardChainOptions {
  rpcUrl: string;
  chainId: number;
  distributor: Address;
  /** The publisher's key (PUBLISHER_PRIVATE_KEY); without it the chain is read-only. */
  publisherKey?: Hex;
  /** Per-request RPC timeout; reads for a page must fail fast when the node is down. */
  timeoutMs?: number;
  /** How long to wait for a `publishRoot` transaction to be mined. */
  receiptTimeoutMs?: number;
}

/**
 * The distributor on a real chain through viem. One object per (RPC URL, contract, key); it holds
 * HTTP clients only, so creating it touches nothing on the network.
 *
 * @example
 * const chain = createRewardChain({ rpcUrl, chainId: 31337, distributor, publisherKey });
 * const { epoch } = await chain.readCurrentRoot();
 */
export function createRewardChain(options: RewardChainOptions): RewardChain {
  const chain = chainDefinition(options.chainId, options.rpcUrl);
  const transport = http(options.rpcUrl, { timeout: options.timeoutMs ?? 5_000, retryCount: 1 });
  const publicClient = createPublicClient({ chain, transport }) as PublicClient;
  const walletClient = options.publisherKey
    ? createWalletClient({ chain, transport, account: privateKeyToAccount(options.publisherKey) })
    : undefined;
  const { distributor } = options;
  const receiptTimeout = options.receiptTimeoutMs ?? 120_000;

  return {
    chainId: options.chainId,
    distributor,
    publicClient,
    canPublish: walletClient !== undefined,
    async readCurrentRoot() {
      const [epoch, root] = await Promise.all([
        publicClient.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: 'epoch' }),
        publicClient.readContract({
          address: distributor,
          abi: rewardDistributorAbi,
          functionName: 'merkleRoot',
        }),
      ]);
      return { epoch, root };
    },
    readClaimed(account) {
      return publicClient.readContract({
        address: distributor,
        abi: rewardDistributorAbi,
        functionName: 'claimed',
        args: [account],
      });
    },
    sendRoot(publication) {
      if (!walletClient) throw new Error('no publisher key (PUBLISHER_PRIVATE_KEY) to publish roots with');
      return publishRoot(walletClient, publicClient, distributor, publication);
    },
    async latestBlock() {
      const block = await publicClient.getBlock({ blockTag: 'latest' });
      return { number: block.number, hash: block.hash };
    },
    async blockHash(number) {
      try {
        return (await publicClient.getBlock({ blockNumber: number })).hash;
      } catch (error) {
        if (error instanceof BlockNotFoundError) return null;
        throw error;
      }
    },
    async readDeposits(fromBlock, toBlock) {
      const logs = await publicClient.getContractEvents({
        address: distributor,
        abi: rewardDistributorAbi,
        eventName: 'Deposited',
        fromBlock,
        toBlock,
        strict: true,
      });
      const seen = new Map<Hash, number>();
      return logs
        .filter((log) => !log.removed)
        .sort((a, b) =>
          a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
        )
        .map((log) => {
          const index = seen.get(log.transactionHash) ?? 0;
          seen.set(log.transactionHash, index + 1);
          return {
            account: log.args.account.toLowerCase() as Address,
            amount: log.args.amount,
            transactionHash: log.transactionHash,
            indexInTransaction: index,
            blockNumber: log.blockNumber,
            blockHash: log.blockHash,
          };
        });
    },
    async transactionStatus(hash) {
      try {
        const receipt = await publicClient.getTransactionReceipt({ hash });
        return receipt.status;
      } catch (error) {
        if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
      }
      try {
        await publicClient.getTransaction({ hash });
        return 'pending';
      } catch (error) {
        if (error instanceof TransactionNotFoundError) return 'unknown';
        throw error;
      }
    },
    async waitForTransaction(hash) {
      const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: receiptTimeout });
      if (receipt.status === 'reverted') {
        logger().warn(
          { hash, reason: await replayedRevert(publicClient, hash, receipt.blockNumber) },
          'transaction reverted',
        );
      }
      return receipt.status;
    },
    async findRootPublication(epoch) {
      try {
        const logs = await publicClient.getContractEvents({
          address: distributor,
          abi: rewardDistributorAbi,
          eventName: 'RootPublished',
          args: { epoch },
          fromBlock: 0n,
        });
        return logs[0]?.transactionHash ?? null;
      } catch {
        // Many public nodes refuse log queries over the whole chain; the hash is informational.
        return null;
      }
    },
  };
}

/**
 * Why a mined transaction reverted, for the log: its call replayed on the state before its block
 * (exact where each transaction has its own block, as on anvil; close enough elsewhere).
 */
async function replayedRevert(publicClient: PublicClient, hash: Hash, blockNumber: bigint): Promise<string> {
  try {
    const tx = await publicClient.getTransaction({ hash });
    await publicClient.call({
      account: tx.from,
      to: tx.to,
      data: tx.input,
      gas: tx.gas,
      blockNumber: blockNumber - 1n,
    });
    return `the call succeeds when replayed before block ${blockNumber} (out of gas, or an earlier transaction in that block)`;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
  }
}
