import { sql } from 'drizzle-orm';
import type { Hash, Hex } from 'viem';
import type { RootPublication } from '../../chain/publish-root';
import type { RewardChain } from '../../chain/reward-chain';
import { type Queryable, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import type { CloseEpochResponse } from '../../protocol/rewards';
import { clock } from '../clock';

/** How long one process may hold an epoch while sending it; longer than a receipt wait. */
const sendLeaseMs = 180_000;

/**
 * Step two of closing an epoch: brings a `publishing` epoch onto the chain, safely from any process
 * and any number of times.
 *
 * The process first takes the epoch's send lease (a row update, so two processes never send at
 * once), then reconciles with the contract: if the chain already holds this epoch's root (the
 * previous attempt's transaction was mined, but the process died before recording it), the epoch is
 * marked published without sending again; if an earlier transaction is still pending, it waits for
 * it; otherwise it sends `publishRoot(epoch, root, total, grants)` — the same root — records the hash, waits for
 * the receipt and marks the epoch `published`.
 */
export async function publishPendingEpoch(
  db: Queryable,
  chain: RewardChain,
  epoch: number,
): Promise<CloseEpochResponse> {
  const now = clock.now();
  const [held] = await queryRows<{ root: Hex; tx_hash: Hash | null; total: string; grants: string }>(
    db,
    sql`
    UPDATE reward_epochs SET sending_until = ${new Date(now.getTime() + sendLeaseMs)}
    WHERE epoch = ${epoch} AND status = 'publishing'
      AND (sending_until IS NULL OR sending_until < ${now})
    RETURNING root, tx_hash, total::text AS total, grants::text AS grants
  `,
  );
  if (!held) {
    const [row] = await queryRows<{ status: string; root: Hex; tx_hash: Hash | null }>(
      db,
      sql`SELECT status, root, tx_hash FROM reward_epochs WHERE epoch = ${epoch}`,
    );
    if (!row) throw new Error(`reward epoch ${epoch} does not exist`);
    // Either someone finished it meanwhile, or another process is sending it right now.
    return {
      epoch,
      root: row.root,
      txHash: row.tx_hash,
      status: row.status === 'published' ? 'unchanged' : 'publishing',
    };
  }

  try {
    const publication = {
      epoch: BigInt(epoch),
      root: held.root,
      total: BigInt(held.total),
      grants: BigInt(held.grants),
    };
    const txHash = await bringOnChain(db, chain, publication, held.tx_hash);
    await db.execute(sql`
      UPDATE reward_epochs
      SET status = 'published', tx_hash = ${txHash}, published_at = ${clock.now()}, sending_until = NULL
      WHERE epoch = ${epoch}
    `);
    return { epoch, root: held.root, txHash, status: 'published' };
  } catch (error) {
    await db
      .execute(sql`UPDATE reward_epochs SET sending_until = NULL WHERE epoch = ${epoch}`)
      .catch(() => {});
    if (error instanceof ApiError) throw error;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ApiError(
      'service_unavailable',
      `Epoch ${epoch} is recorded but its root could not be published (${detail}); it will be retried.`,
    );
  }
}

/** Makes sure the chain holds `(epoch, root)`; returns the transaction that put it there, when known. */
async function bringOnChain(
  db: Queryable,
  chain: RewardChain,
  publication: RootPublication,
  previousTx: Hash | null,
): Promise<Hash | null> {
  const { root, epoch: target } = publication;
  const epoch = Number(target);
  const alreadyThere = async (): Promise<boolean> => {
    const current = await chain.readCurrentRoot();
    if (current.epoch < target) return false;
    if (current.epoch === target && current.root.toLowerCase() === root.toLowerCase()) return true;
    // Someone else moved the contract past (or onto) this epoch with another root: an operator
    // must look (two coordinators with different databases on one contract, a key leak…).
    throw new ApiError(
      'conflict',
      `The distributor is at epoch ${current.epoch} with root ${current.root}, which does not match recorded epoch ${epoch} (root ${root}); refusing to publish.`,
    );
  };

  if (await alreadyThere()) return previousTx ?? (await chain.findRootPublication(target));

  if (previousTx) {
    const status = await chain.transactionStatus(previousTx);
    if (status === 'pending' && (await chain.waitForTransaction(previousTx)) === 'success') return previousTx;
    if (status === 'success' && (await alreadyThere())) return previousTx;
    // reverted, dropped or unknown to this node: send the same root again below.
  }

  if (!chain.canPublish) {
    throw new ApiError(
      'service_unavailable',
      'This coordinator has no publisher key (PUBLISHER_PRIVATE_KEY), so it cannot publish epoch roots.',
    );
  }
  const hash = await chain.sendRoot(publication);
  // Recorded before waiting: after a crash the next attempt looks this transaction up.
  await db.execute(sql`UPDATE reward_epochs SET tx_hash = ${hash} WHERE epoch = ${epoch}`);
  const status = await chain.waitForTransaction(hash);
  if (status === 'success' || (await alreadyThere())) return hash;
  throw new Error(`publishRoot(${epoch}) transaction ${hash} reverted`);
}
