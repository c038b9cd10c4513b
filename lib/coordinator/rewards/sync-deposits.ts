import { sql } from 'drizzle-orm';
import type { RewardChain } from '../../chain/reward-chain';
import { type Db, queryRows } from '../../db/client';

export interface SyncDepositsOptions {
  /** Blocks a deposit must be buried under before it is credited. */
  confirmations: number;
  /** First block to read (the distributor's deployment). */
  fromBlock: bigint;
  /** How far back to re-read when the block under the cursor changed (a re-org). */
  reorgDepth?: bigint;
  /** Most blocks per log query (public nodes limit ranges). */
  maxRange?: bigint;
}

const cursorName = 'deposits';

/**
 * Credits `Deposited` events from the distributor to the depositors' balances, exactly once.
 *
 * Each deposit is a ledger row keyed by its transaction hash and its position among that
 * transaction's deposits — not by block or log index, which change when a re-org re-includes the
 * transaction — so reading a range twice (a restart before the cursor moved, two processes, a
 * re-read after a re-org) never credits twice. The cursor stores the hash of the last block read;
 * when the node's block at that height has another hash, a re-org happened under the cursor and
 * the last `reorgDepth` blocks are read again. Deposits are read only `confirmations` blocks deep,
 * so re-orgs shallower than that never reach the ledger.
 *
 * @returns How many deposits were newly credited.
 */
export async function syncDeposits(
  db: Db,
  chain: RewardChain,
  options: SyncDepositsOptions,
): Promise<{ credited: number; toBlock: bigint | null }> {
  const latest = await chain.latestBlock();
  const target = latest.number - BigInt(options.confirmations);
  if (target < options.fromBlock) return { credited: 0, toBlock: null };

  const [cursor] = await queryRows<{ block_number: string; block_hash: string }>(
    db,
    sql`SELECT block_number::text, block_hash FROM chain_cursors WHERE name = ${cursorName}`,
  );
  let from = options.fromBlock;
  if (cursor) {
    const at = BigInt(cursor.block_number);
    const hash = await chain.blockHash(at);
    if (hash === cursor.block_hash) {
      from = at + 1n;
    } else {
      const back = at - (options.reorgDepth ?? 64n);
      from = back > options.fromBlock ? back : options.fromBlock;
      console.warn(`deposits: block ${at} changed (re-org); re-reading from block ${from}`);
    }
  }
  if (from > target) return { credited: 0, toBlock: target };

  const range = options.maxRange ?? 10_000n;
  let credited = 0;
  for (let start = from; start <= target; start += range) {
    const end = start + range - 1n < target ? start + range - 1n : target;
    const events = await chain.readDeposits(start, end);
    const endHash = await chain.blockHash(end);
    if (!endHash) break; // the node lost the block meanwhile: try again next time
    credited += await db.transaction(async (tx) => {
      let count = 0;
      for (const event of events) {
        const rows = await queryRows<{ id: number }>(
          tx,
          sql`INSERT INTO ledger_entries (key, kind, address, amount, block_number, block_hash)
              VALUES (${`deposit:${event.transactionHash.toLowerCase()}:${event.indexInTransaction}`}, 'deposit',
                      ${event.account.toLowerCase()}, ${event.amount.toString()}::numeric,
                      ${event.blockNumber.toString()}::numeric, ${event.blockHash})
              ON CONFLICT (key) DO NOTHING RETURNING id`,
        );
        count += rows.length;
      }
      await tx.execute(sql`
        INSERT INTO chain_cursors (name, block_number, block_hash, updated_at)
        VALUES (${cursorName}, ${end.toString()}::numeric, ${endHash}, now())
        ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash,
          updated_at = excluded.updated_at`);
      return count;
    });
  }
  return { credited, toBlock: target };
}
