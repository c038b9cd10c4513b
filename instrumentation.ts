/**
 * Runs once when the Next.js server starts: validate the settings (a production server without
 * PUBLIC_URL refuses to start, saying why), open the database and apply migrations before traffic,
 * then start the background steps: the reward epoch schedule (every EPOCH_SECONDS) and the blob
 * retention sweep, both safe with several processes.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    console.error(`Spare Cycles cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { getDbHandle } = await import('./lib/db/client');
  await getDbHandle();
  const { startEpochScheduler } = await import('./lib/coordinator/rewards/epoch-scheduler');
  startEpochScheduler();
  const { startRetentionSweeper } = await import('./lib/coordinator/privacy/retention-sweeper');
  startRetentionSweeper();
}
