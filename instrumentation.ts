/**
 * Runs once when the Next.js server starts; on a Node.js server it starts the coordinator's services
 * (instrumentation-node.ts: settings check, database and migrations, epochs, retention, the
 * validation pipeline, the deposit watcher).
 */
export async function register(): Promise<void> {
  // The Node.js services live in their own module, imported only under this condition, so the Edge
  // build (where NEXT_RUNTIME is 'edge' at compile time) drops them, `process.exit` included.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServices } = await import('./instrumentation-node');
    await startServices();
  }
}
