import { getDb } from '../../db/client';
import { env } from '../../env';
import { getRewardChain } from './get-reward-chain';
import { syncDeposits } from './sync-deposits';

let inFlight: Promise<number> | undefined;

/**
 * Reads new deposits from the configured chain into the ledger now (see `syncDeposits`). Calls
 * that overlap share one read. Never throws: an unreachable chain only delays crediting, so it is
 * logged and answered with 0. Request handlers pass `waitMs` so a slow node cannot hold a page:
 * the read goes on in the background and the watcher's next tick picks up the rest.
 *
 * @returns How many deposits were newly credited (0 when `waitMs` ran out first).
 */
export function refreshDeposits(waitMs?: number): Promise<number> {
  inFlight ??= (async () => {
    try {
      const chain = await getRewardChain();
      if (!chain) return 0;
      const settings = env();
      const { credited } = await syncDeposits(await getDb(), chain, {
        confirmations: settings.DEPOSIT_CONFIRMATIONS,
        fromBlock: BigInt(settings.DEPOSITS_FROM_BLOCK),
      });
      return credited;
    } catch (error) {
      console.error(
        'deposits: could not read the chain (will retry):',
        error instanceof Error ? error.message : error,
      );
      return 0;
    } finally {
      inFlight = undefined;
    }
  })();
  if (waitMs === undefined) return inFlight;
  return Promise.race([
    inFlight,
    new Promise<number>((resolve) => setTimeout(() => resolve(0), waitMs).unref()),
  ]);
}

const globalKey = Symbol.for('spare-cycles.deposit-watcher');
type GlobalWithWatcher = typeof globalThis & { [globalKey]?: { stop(): void } };

/**
 * Reads deposits every DEPOSIT_POLL_SECONDS in this process (started from instrumentation.ts).
 * Safe with several processes: crediting is keyed per deposit. Idempotent per process.
 */
export function startDepositWatcher(options: { periodMs?: number } = {}): { stop(): void } {
  const g = globalThis as GlobalWithWatcher;
  if (g[globalKey]) return g[globalKey];
  const interval = setInterval(
    () => void refreshDeposits(),
    options.periodMs ?? env().DEPOSIT_POLL_SECONDS * 1000,
  );
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
