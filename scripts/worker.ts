import { getCpuPool } from '../lib/coordinator/pipeline/cpu-pool';
import { startPipeline } from '../lib/coordinator/pipeline/run-pipeline';
import { openDb } from '../lib/db/client';
import { env } from '../lib/env';

/**
 * `npm run worker`: the validator and the assimilator as a process of their own (BOINC's daemons),
 * for deployments where they should not share the coordinators' CPUs. Any number of these, on any
 * number of machines, may run against one Postgres (DATABASE_URL) beside any number of coordinators
 * started with PIPELINE_IN_PROCESS=false; their claims keep them out of each other's way. SIGTERM
 * finishes the step in progress and exits; SIGKILL loses nothing but the claims, which lapse after
 * PIPELINE_CLAIM_SECONDS.
 */
async function main(): Promise<void> {
  const settings = env();
  if (!settings.DATABASE_URL) {
    console.error(
      'npm run worker needs DATABASE_URL: the embedded database (PGlite) belongs to one server process, which runs the pipeline itself.',
    );
    process.exit(2);
  }
  const handle = await openDb({ databaseUrl: settings.DATABASE_URL, dataDir: settings.DATA_DIR });
  const pool = getCpuPool();
  const pipeline = startPipeline(async () => handle.db, { pool });
  console.log(`pipeline worker ${process.pid} running (${pool.size} CPU threads)`);
  const stop = async () => {
    await pipeline.stop();
    await pool.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
