import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { assimilateDueJobs } from '../assimilation/assimilate-due-jobs';
import { validateDueShards } from '../validation/validate-due-shards';
import { type CpuPool, getCpuPool } from './cpu-pool';
import { onPipelineWake } from './pipeline-signal';

export interface Pipeline {
  /** Finishes the step in progress, then stops. */
  stop(): Promise<void>;
}

/** One pass of every pipeline step; returns how much work was claimed (0 = nothing was due). */
export async function runPipelineOnce(db: Db, pool: CpuPool = getCpuPool()): Promise<number> {
  return (await validateDueShards(db, pool)) + (await assimilateDueJobs(db, pool));
}

/**
 * Runs the validator and the assimilator until stopped: a step whenever something is due, else a
 * wait of `pollMs` (cut short when this process accepts a result). The same loop runs inside the
 * server (default) and in `npm run worker` processes sharing one Postgres; the steps' claims make
 * any number of loops safe together.
 */
export function startPipeline(
  getDb: () => Promise<Db>,
  options: { pollMs?: number; pool?: CpuPool } = {},
): Pipeline {
  const pollMs = options.pollMs ?? 250;
  let stopped = false;
  let wake: (() => void) | undefined;
  const unsubscribe = onPipelineWake(() => wake?.());
  const loop = (async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await runPipelineOnce(await getDb(), options.pool ?? getCpuPool());
      } catch (error) {
        if (stopped) break;
        console.error('pipeline step failed:', error instanceof Error ? error.message : error);
      }
      if (claimed > 0 || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      unsubscribe();
      await loop;
    },
  };
}

/**
 * Runs pipeline steps until nothing is due or claimed anywhere (every stored result decided, every
 * finished job assembled), for tests and benchmarks that need verdicts before they look. Throws
 * after `timeoutMs`.
 */
export async function drainPipeline(
  db: Db,
  options: { timeoutMs?: number; pool?: CpuPool } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const claimed = await runPipelineOnce(db, options.pool ?? getCpuPool());
    if (claimed > 0) continue;
    const [open] = await queryRows<{ n: number }>(
      db,
      sql`SELECT (SELECT count(*) FROM shards WHERE validate_after IS NOT NULL)
               + (SELECT count(*) FROM jobs WHERE assemble_after IS NOT NULL) AS n`,
    );
    if (Number(open?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error('the pipeline did not drain in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
