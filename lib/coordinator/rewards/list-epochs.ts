import { sql } from 'drizzle-orm';
import type { Hex } from 'viem';
import { rewardLeafEncoding } from '../../chain/merkle';
import { type Queryable, queryRows } from '../../db/client';
import type { EpochInfo, EpochListResponse } from '../../protocol/rewards';

/**
 * Published epochs, newest first, each with its root, totals and every leaf, so anyone can rebuild
 * the tree with `StandardMerkleTree.of(leaves, ['address', 'uint256'])` and check the root the
 * contract holds. Epochs still `publishing` are left out: they are not claimable yet.
 */
export async function listEpochs(db: Queryable, options: { limit: number }): Promise<EpochListResponse> {
  const epochs = await queryRows<{
    epoch: number;
    root: Hex;
    total: string;
    grants: string;
    tx_hash: Hex | null;
    published_at: Date | string | null;
  }>(
    db,
    sql`
    SELECT epoch, root, total::text AS total, grants::text AS grants, tx_hash, published_at
    FROM reward_epochs WHERE status = 'published'
    ORDER BY epoch DESC LIMIT ${options.limit}
  `,
  );
  const numbers = epochs.map((e) => Number(e.epoch));
  const leaves =
    numbers.length === 0
      ? []
      : await queryRows<{ epoch: number; address: string; cumulative: string }>(
          db,
          sql`
          SELECT epoch, address, cumulative::text AS cumulative FROM reward_leaves
          WHERE epoch IN (${sql.join(
            numbers.map((n) => sql`${n}`),
            sql`, `,
          )})
          ORDER BY epoch, address
        `,
        );
  const byEpoch = new Map<number, EpochInfo['leaves']>();
  for (const leaf of leaves) {
    const list = byEpoch.get(Number(leaf.epoch)) ?? [];
    list.push({ address: leaf.address, cumulative: leaf.cumulative });
    byEpoch.set(Number(leaf.epoch), list);
  }
  return {
    leafEncoding: [...rewardLeafEncoding],
    epochs: epochs.map((e) => ({
      epoch: Number(e.epoch),
      root: e.root,
      total: e.total,
      grants: e.grants,
      txHash: e.tx_hash,
      publishedAt: e.published_at === null ? null : new Date(e.published_at).toISOString(),
      leaves: byEpoch.get(Number(e.epoch)) ?? [],
    })),
  };
}
