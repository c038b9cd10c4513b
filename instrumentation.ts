/**
 * Runs once when the Next.js server starts: open the database and apply migrations before traffic,
 * then start the reward epoch schedule (every EPOCH_SECONDS; safe with several processes) and the
 * deposit watcher (every DEPOSIT_POLL_SECONDS).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDbHandle } = await import('./lib/db/client');
  await getDbHandle();
  const { startEpochScheduler } = await import('./lib/coordinator/epoch-scheduler');
  startEpochScheduler();
  const { startDepositWatcher } = await import('./lib/coordinator/rewards/refresh-deposits');
  startDepositWatcher();
}
