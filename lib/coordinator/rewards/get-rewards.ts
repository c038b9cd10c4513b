import { sql } from 'drizzle-orm';
import type { Address, Hex } from 'viem';
import { buildRewardTree, type RewardTree } from '../../chain/merkle';
import type { RewardChain } from '../../chain/reward-chain';
import { type Queryable, queryRows } from '../../db/client';
import type { RewardsResponse } from '../../protocol/rewards';
import { computeRewardTotals } from './compute-reward-totals';

// Proofs for the latest epoch are asked for on every rewards page view: build its tree once.
let cachedTree: { key: string; tree: RewardTree } | undefined;

export interface GetRewardsOptions {
  /** The chain to read `claimed(address)` from; null when none is configured. */
  chain: RewardChain | null;
  tokenAddress: string | null;
}

/**
 * Everything a wallet needs to claim: the latest published epoch's cumulative amount for `address`
 * with its Merkle proof and root, what the distributor has already paid (read from the chain; when
 * the chain cannot be read `claimed` is null and `chainError` says why, the proof is still served),
 * the earnings and withdrawals since that epoch (`pending`), and the address's amount in every earlier epoch.
 *
 * @param address Lower-case hex.
 */
export async function getRewards(
  db: Queryable,
  address: Address,
  options: GetRewardsOptions,
): Promise<RewardsResponse> {
  const [latest] = await queryRows<{ epoch: number; root: Hex }>(
    db,
    sql`SELECT epoch, root FROM reward_epochs WHERE status = 'published' ORDER BY epoch DESC LIMIT 1`,
  );
  let cumulative = 0n;
  let proof: Hex[] = [];
  if (latest) {
    const tree = await treeOf(db, Number(latest.epoch), latest.root);
    const found = tree.proofFor(address);
    if (found) ({ cumulative, proof } = found);
  }

  let claimed: bigint | null = null;
  let chainError: string | null = null;
  if (!options.chain) {
    chainError = 'No reward chain is configured on this server (RPC_URL, DISTRIBUTOR_ADDRESS).';
  } else {
    try {
      claimed = await options.chain.readClaimed(address);
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      chainError = `The chain could not be read: ${detail}`;
    }
  }

  const current = (await computeRewardTotals(db, address)).get(address) ?? 0n;
  const history = await queryRows<{
    epoch: number;
    cumulative: string;
    tx_hash: Hex | null;
    published_at: Date | string | null;
  }>(
    db,
    sql`
    SELECT e.epoch, l.cumulative::text AS cumulative, e.tx_hash, e.published_at
    FROM reward_leaves l JOIN reward_epochs e ON e.epoch = l.epoch
    WHERE l.address = ${address} AND e.status = 'published'
    ORDER BY e.epoch DESC LIMIT 100
  `,
  );

  return {
    address,
    chainId: options.chain?.chainId ?? null,
    distributorAddress: options.chain?.distributor ?? null,
    tokenAddress: options.tokenAddress,
    epoch: latest ? Number(latest.epoch) : null,
    root: latest?.root ?? null,
    cumulative: cumulative.toString(),
    proof,
    claimed: claimed === null ? null : claimed.toString(),
    claimable: claimed === null ? null : (cumulative > claimed ? cumulative - claimed : 0n).toString(),
    pending: (current > cumulative ? current - cumulative : 0n).toString(),
    chainError,
    history: history.map((h) => ({
      epoch: Number(h.epoch),
      cumulative: h.cumulative,
      txHash: h.tx_hash,
      publishedAt: h.published_at === null ? null : new Date(h.published_at).toISOString(),
    })),
  };
}

/** The tree of a published epoch, rebuilt from its stored leaves (they never change once published). */
async function treeOf(db: Queryable, epoch: number, root: Hex): Promise<RewardTree> {
  const key = `${epoch}:${root}`;
  if (cachedTree?.key === key) return cachedTree.tree;
  const leaves = await queryRows<{ address: Address; cumulative: string }>(
    db,
    sql`SELECT address, cumulative::text AS cumulative FROM reward_leaves WHERE epoch = ${epoch} ORDER BY address`,
  );
  const tree = buildRewardTree(leaves.map((l) => ({ address: l.address, cumulative: BigInt(l.cumulative) })));
  if (tree.root !== root) throw new Error(`stored leaves of epoch ${epoch} do not rebuild its root ${root}`);
  cachedTree = { key, tree };
  return tree;
}
