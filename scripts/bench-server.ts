import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A production server for a browser benchmark (`scripts/dev.ts --start --no-chain` on a random port,
 * a fresh data directory), ready once `/api/v1/health` answers; `stop()` ends it and removes the data.
 */
export async function startBenchServer(name: string): Promise<{ url: string; stop(): void }> {
  const port = 3500 + Math.floor(Math.random() * 400);
  const dataDir = mkdtempSync(path.join(tmpdir(), `sc-bench-${name}-`));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.resolve('node_modules/tsx/dist/cli.mjs'),
      'scripts/dev.ts',
      '--start',
      '--no-chain',
      '--port',
      String(port),
    ],
    {
      env: { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}` },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    },
  );
  const stop = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { url, stop };
    } catch {
      // still starting (or building)
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stop();
  throw new Error('the server did not start');
}
