import { sql } from 'drizzle-orm';
import { getDb, queryRows } from '../../db/client';
import { env } from '../../env';
import { logger } from '../../log/logger';
import { closeEpoch } from './close-epoch';
import { getRewardChain } from './get-reward-chain';
import { publishPendingEpoch } from './publish-pending-epoch';

const globalKey = Symbol.for('spare-cycles.epoch-scheduler');
type GlobalWithScheduler = typeof globalThis & { [globalKey]?: { stop(): void } };

/**
 * Closes a reward epoch every EPOCH_SECONDS inside the Next.js server process (started from
 * instrumentation.ts). Driven by database state, so it is safe with several coordinator processes:
 * each ticks often, but `closeEpoch` skips while the latest epoch is younger than EPOCH_SECONDS and
 * serializes recording under an advisory lock, so one epoch closes per period. Shortly after start
 * it finishes an epoch a crash left `publishing`.
 *
 * Idempotent per process; returns a handle whose `stop()` clears the timers.
 */
export function startEpochScheduler(
  options: { periodMs?: number; tickMs?: number; resumeAfterMs?: number } = {},
): { stop(): void } {
  const g = globalThis as GlobalWithScheduler;
  if (g[globalKey]) return g[globalKey];
  const settings = env();
  const periodMs = options.periodMs ?? settings.EPOCH_SECONDS * 1000;
  // Tick more often than the period so a restart never delays an epoch by a whole period.
  const tickMs = options.tickMs ?? Math.min(periodMs, 60_000);
  let running = false;

  const run = async (what: 'close' | 'resume') => {
    if (running) return;
    running = true;
    try {
      const chain = await getRewardChain();
      if (!chain?.canPublish) return; // no chain or no publisher key: nothing to publish to
      const db = await getDb();
      if (what === 'resume') {
        const [open] = await queryRows<{ epoch: number }>(
          db,
          sql`SELECT epoch FROM reward_epochs WHERE status = 'publishing' ORDER BY epoch LIMIT 1`,
        );
        if (!open) return;
        const result = await publishPendingEpoch(db, chain, Number(open.epoch));
        logger().info({ epoch: result.epoch, status: result.status }, 'reward epoch resumed');
        return;
      }
      const result = await closeEpoch(db, chain, { minIntervalMs: periodMs - tickMs / 2 });
      if (result.status === 'published') {
        logger().info(
          { epoch: result.epoch, root: result.root, txHash: result.txHash },
          'reward epoch published',
        );
      }
    } catch (error) {
      logger().error({ err: error, step: what }, 'reward epoch step failed (will retry)');
    } finally {
      running = false;
    }
  };

  const resume = setTimeout(() => void run('resume'), options.resumeAfterMs ?? 5_000);
  const interval = setInterval(() => void run('close'), tickMs);
  resume.unref();
  interval.unref();
  const handle = {
    stop() {
      clearTimeout(resume);
      clearInterval(interval);
      delete g[globalKey];
    },
  };
  g[globalKey] = handle;
  return handle;
}
