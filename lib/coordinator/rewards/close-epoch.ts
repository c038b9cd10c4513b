import { sql } from 'drizzle-orm';
import type { RewardChain } from '../../chain/reward-chain';
import { type Queryable, queryRows } from '../../db/client';
import { ApiError } from '../../errors';
import type { CloseEpochResponse } from '../../protocol/rewards';
import { clock } from '../clock';
import { publishPendingEpoch } from './publish-pending-epoch';
import { recordEpoch } from './record-epoch';

export interface CloseEpochOptions {
  /** Scheduled closes pass EPOCH_SECONDS so several ticking processes close one epoch per period. */
  minIntervalMs?: number;
}

/**
 * Closes a reward epoch: sums each address's earnings from paid work, fees and withdrawals, builds
 * the Merkle tree of cumulative amounts, records it with its total and pending grants, publishes
 * the root on the distributor and marks it published. Safe to call from several processes and at any time: an epoch left
 * `publishing` by a crash or an unreachable chain is finished first (resent or found on chain),
 * and when no credit changed since the last epoch nothing is published and that epoch is returned.
 *
 * @throws ApiError `service_unavailable` when the chain cannot be reached; whatever was recorded
 * stays `publishing` and the next call retries it.
 *
 * @example
 * const { epoch, root, txHash } = await closeEpoch(db, chain);
 */
export async function closeEpoch(
  db: Queryable,
  chain: RewardChain,
  options: CloseEpochOptions = {},
): Promise<CloseEpochResponse> {
  const [open] = await queryRows<{ epoch: number }>(
    db,
    sql`SELECT epoch FROM reward_epochs WHERE status = 'publishing' ORDER BY epoch LIMIT 1`,
  );
  let resumed: CloseEpochResponse | undefined;
  if (open) {
    resumed = await publishPendingEpoch(db, chain, Number(open.epoch));
    if (resumed.status === 'publishing') return resumed;
  }

  let chainEpoch: bigint;
  try {
    chainEpoch = (await chain.readCurrentRoot()).epoch;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ApiError(
      'service_unavailable',
      `The reward chain could not be read (${detail}); no epoch was recorded. Try again later.`,
    );
  }
  const outcome = await recordEpoch(db, {
    minEpoch: Number(chainEpoch) + 1,
    now: clock.now(),
    minIntervalMs: options.minIntervalMs,
  });
  switch (outcome.kind) {
    case 'empty':
      return { epoch: null, root: null, txHash: null, status: 'empty' };
    case 'unchanged':
      // The epoch this call just finished publishing is the latest: report it as published.
      if (resumed?.status === 'published' && resumed.epoch === outcome.epoch) return resumed;
      return { epoch: outcome.epoch, root: outcome.root, txHash: outcome.txHash, status: 'unchanged' };
    case 'publishing':
    case 'recorded':
      return publishPendingEpoch(db, chain, outcome.epoch);
  }
}
