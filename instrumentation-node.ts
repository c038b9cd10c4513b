/**
 * What `instrumentation.ts` runs once when a Node.js server starts: validate the settings (a
 * production server without PUBLIC_URL refuses to start, saying why), open the database and apply
 * migrations before traffic, then start the background steps: the reward epoch schedule (every
 * EPOCH_SECONDS), the blob retention sweep and, unless PIPELINE_IN_PROCESS=false, the validator and
 * assimilator loop (worker threads do the CPU work; separate `npm run worker` processes may run the
 * same loop against one Postgres), and the deposit watcher (every DEPOSIT_POLL_SECONDS). All are
 * safe with several processes.
 */
export async function startServices(): Promise<void> {
  const { env } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    console.error(`Spare Cycles cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { getDb, getDbHandle } = await import('./lib/db/client');
  await getDbHandle();
  const { startEpochScheduler } = await import('./lib/coordinator/rewards/epoch-scheduler');
  startEpochScheduler();
  const { startRetentionSweeper } = await import('./lib/coordinator/privacy/retention-sweeper');
  startRetentionSweeper();
  if (env().PIPELINE_IN_PROCESS) {
    const { startPipeline } = await import('./lib/coordinator/pipeline/run-pipeline');
    startPipeline(getDb);
  }
  const { startDepositWatcher } = await import('./lib/coordinator/rewards/refresh-deposits');
  startDepositWatcher();
}
