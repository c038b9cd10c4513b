import { sql } from 'drizzle-orm';
import type { Hex } from 'viem';
import { buildRewardTree } from '../../chain/merkle';
import { type Queryable, queryRows } from '../../db/client';
import { rewardEpochs, rewardLeaves } from '../../db/schema';
import { computeRewardTotals } from './compute-reward-totals';

/** Serializes epoch recording across coordinator processes sharing one Postgres. */
export const epochLockKey = 727_275;

export type RecordEpochOutcome =
  /** A new epoch is recorded as `publishing`: send its root next. */
  | { kind: 'recorded'; epoch: number; root: Hex }
  /** An epoch is already `publishing` (another process, or an earlier failure): finish that first. */
  | { kind: 'publishing'; epoch: number }
  /** Nothing changed since the latest epoch (or it is too recent for a scheduled close). */
  | { kind: 'unchanged'; epoch: number; root: Hex; txHash: Hex | null }
  /** No wallet-linked volunteer has credit yet. */
  | { kind: 'empty' };

export interface RecordEpochOptions {
  /** Lowest epoch number the contract accepts (its current epoch + 1). */
  minEpoch: number;
  now: Date;
  /** Scheduled closes skip when the latest epoch is younger than this (several processes tick). */
  minIntervalMs?: number;
}

/**
 * Step one of closing an epoch: under a Postgres advisory lock, computes every address's cumulative
 * amount (earnings, fees and withdrawals), and when anything changed since the latest epoch records
 * the new tree — root, leaves, total, and the operator grants to mint with it — as `publishing`,
 * *before* anything is sent to the chain. A crash after this point leaves an epoch
 * that the next run resends or finds already published; a crash before it leaves nothing.
 *
 * Cumulative amounts never decrease: every address of the previous epoch keeps at least its
 * previous amount (a correction can only hold amounts, never claw them back).
 *
 * Grants not yet in an epoch are assigned to the new one *after* the amounts are computed, so every
 * grant that funded an amount in this tree is minted with it (or before), and the tree's total
 * never exceeds deposits plus grants on chain.
 */
export async function recordEpoch(db: Queryable, options: RecordEpochOptions): Promise<RecordEpochOutcome> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${epochLockKey})`);
    const open = await queryRows<{ epoch: number }>(
      tx,
      sql`SELECT epoch FROM reward_epochs WHERE status = 'publishing' ORDER BY epoch LIMIT 1`,
    );
    if (open[0]) return { kind: 'publishing', epoch: Number(open[0].epoch) };

    const [last] = await queryRows<{
      epoch: number;
      root: Hex;
      tx_hash: Hex | null;
      created_at: Date | string;
    }>(tx, sql`SELECT epoch, root, tx_hash, created_at FROM reward_epochs ORDER BY epoch DESC LIMIT 1`);
    const unchanged = last
      ? ({ kind: 'unchanged', epoch: Number(last.epoch), root: last.root, txHash: last.tx_hash } as const)
      : undefined;
    // Epochs are stamped by the later of the caller's and the database's clock (below), so their age
    // is measured the same way: a database clock ahead of this process's cannot delay the schedule.
    const now = await laterClock(tx, options.now);
    if (
      unchanged &&
      last &&
      options.minIntervalMs !== undefined &&
      now.getTime() - new Date(last.created_at).getTime() < options.minIntervalMs
    ) {
      return unchanged;
    }

    const previous = new Map<string, bigint>();
    if (last) {
      const rows = await queryRows<{ address: string; cumulative: string }>(
        tx,
        sql`SELECT address, cumulative::text AS cumulative FROM reward_leaves WHERE epoch = ${last.epoch}`,
      );
      for (const row of rows) previous.set(row.address, BigInt(row.cumulative));
    }
    const totals = await computeRewardTotals(tx);
    // The epoch's time bounds what may still be taken back (`lastEpochAt`): ledger rows are stamped
    // by the database (`now()`, their transaction's start), and every row this read saw began
    // before this moment on the database's clock. `options.now` alone (the caller's clock, taken
    // before waiting for the lock) can lie before rows the tree already pays.
    const createdAt = await laterClock(tx, options.now);
    const merged = new Map(previous);
    for (const [address, amount] of totals) {
      if (amount > (merged.get(address) ?? 0n)) merged.set(address, amount);
    }
    if (merged.size === 0) return { kind: 'empty' };
    if (unchanged && sameAmounts(previous, merged)) return unchanged;

    const epoch = Math.max((last ? Number(last.epoch) : 0) + 1, options.minEpoch);
    const entries = [...merged]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([address, cumulative]) => ({ address: address as Hex, cumulative }));
    const tree = buildRewardTree(entries);
    const total = entries.reduce((sum, e) => sum + e.cumulative, 0n);
    await tx.insert(rewardEpochs).values({
      epoch,
      status: 'publishing',
      root: tree.root,
      total: total.toString(),
      leafCount: entries.length,
      rate: '0',
      createdAt,
    });
    const [granted] = await queryRows<{ grants: string }>(
      tx,
      sql`WITH assigned AS (
            UPDATE ledger_entries SET epoch = ${epoch} WHERE kind = 'grant' AND epoch IS NULL RETURNING amount
          ) SELECT COALESCE(sum(amount), 0)::text AS grants FROM assigned`,
    );
    await tx.execute(
      sql`UPDATE reward_epochs SET grants = ${granted!.grants}::numeric WHERE epoch = ${epoch}`,
    );
    for (let i = 0; i < entries.length; i += 1000) {
      await tx.insert(rewardLeaves).values(
        entries.slice(i, i + 1000).map((e) => ({
          epoch,
          address: e.address,
          cumulative: e.cumulative.toString(),
        })),
      );
    }
    return { kind: 'recorded', epoch, root: tree.root };
  });
}

/** The later of `now` (the caller's clock) and the database's clock at this moment. */
async function laterClock(tx: Queryable, now: Date): Promise<Date> {
  const [row] = await queryRows<{ at: Date | string }>(tx, sql`SELECT clock_timestamp() AS at`);
  const database = new Date(row!.at);
  return database > now ? database : now;
}

function sameAmounts(a: Map<string, bigint>, b: Map<string, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [address, amount] of a) if (b.get(address) !== amount) return false;
  return true;
}
