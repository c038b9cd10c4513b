import { getDb } from '../../db/client';
import { env } from '../../env';
import { logger } from '../../log/logger';
import { deleteUnneededBlobs } from './delete-unneeded-blobs';

const globalKey = Symbol.for('spare-cycles.retention-sweeper');
type GlobalWithSweeper = typeof globalThis & { [globalKey]?: { stop(): void } };

/**
 * Runs the blob retention sweep (`deleteUnneededBlobs`) every `periodMs` (default hourly) inside the
 * server process, started from instrumentation.ts. Idempotent per process; safe with several.
 */
export function startRetentionSweeper(options: { periodMs?: number } = {}): { stop(): void } {
  const g = globalThis as GlobalWithSweeper;
  if (g[globalKey]) return g[globalKey];
  const retentionSeconds = env().BLOB_RETENTION_SECONDS;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const { deleted } = await deleteUnneededBlobs(await getDb(), { retentionSeconds });
      if (deleted.length > 0) logger().info({ deleted: deleted.length }, 'retention: deleted unneeded blobs');
    } catch (error) {
      logger().error({ err: error }, 'retention sweep failed (will retry)');
    } finally {
      running = false;
    }
  };
  const interval = setInterval(() => void run(), options.periodMs ?? 3_600_000);
  interval.unref();
  const handle = {
    stop() {
      clearInterval(interval);
      delete g[globalKey];
    },
  };
  g[globalKey] = handle;
  return handle;
}
