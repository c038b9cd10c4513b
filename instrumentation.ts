/** Runs once when the Next.js server starts: open the database and apply migrations before traffic. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDbHandle } = await import('./lib/db/client');
  await getDbHandle();
}
