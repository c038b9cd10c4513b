/**
 * Runs once when the Next.js server starts: open the database and apply migrations before traffic,
 * then start the reward epoch schedule (every EPOCH_SECONDS; safe with several processes) and,
 * unless PIPELINE_IN_PROCESS=false, the validator and assimilator loop (worker threads do the CPU
 * work; separate `npm run worker` processes may run the same loop against one Postgres).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDb, getDbHandle } = await import('./lib/db/client');
  await getDbHandle();
  const { startEpochScheduler } = await import('./lib/coordinator/rewards/epoch-scheduler');
  startEpochScheduler();
  const { env } = await import('./lib/env');
  if (env().PIPELINE_IN_PROCESS) {
    const { startPipeline } = await import('./lib/coordinator/pipeline/run-pipeline');
    startPipeline(getDb);
  }
}
