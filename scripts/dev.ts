import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { env } from '../lib/env';

/**
 * `npm run dev` (and `npm start` with --start): everything on one machine with no configuration —
 * PGlite in DATA_DIR (opened by the Next server itself, see instrumentation.ts), a local anvil chain
 * with the contracts deployed when RPC_URL is unset, and Next.js. Prints the URL when it answers.
 *
 * Flags: `--start` serves the production build (`next build` first if there is none), `--port N`,
 * `--no-chain` skips the local chain (benchmarks of the coordinator alone).
 */
/** Every process this script started; stopped together, also when start-up fails half way. */
const children: ChildProcess[] = [];

function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const production = args.includes('--start');
  const portFlag = args.indexOf('--port');
  if (portFlag >= 0) process.env.PORT = args[portFlag + 1];
  const settings = env();
  const dataDir = path.resolve(settings.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(settings.PORT) };
  if (!settings.ADMIN_TOKEN) {
    childEnv.ADMIN_TOKEN = randomBytes(24).toString('base64url');
    console.log(`admin token (for POST /api/v1/epochs): ${childEnv.ADMIN_TOKEN}`);
  }

  process.on('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  process.on('SIGTERM', () => {
    stopAll();
    process.exit(143);
  });

  if (!settings.RPC_URL && !args.includes('--no-chain')) {
    const { startDevChain } = await import('../lib/chain/dev-chain');
    const chain = await startDevChain({ dataDir, port: settings.DEV_CHAIN_PORT });
    children.push(chain.process);
    Object.assign(childEnv, chain.env);
    // Protocol fees go to the dev operator (anvil's first account) unless a treasury is set.
    if (!settings.TREASURY_ADDRESS) {
      const { privateKeyToAccount } = await import('viem/accounts');
      childEnv.TREASURY_ADDRESS = privateKeyToAccount(
        chain.env.PUBLISHER_PRIVATE_KEY as `0x${string}`,
      ).address;
    }
    console.log(
      `local chain ${chain.env.RPC_URL} (chain id ${chain.chainId}), distributor ${chain.distributorAddress}`,
    );
  }

  const nextBin = path.resolve('node_modules/next/dist/bin/next');
  if (production) {
    const { existsSync } = await import('node:fs');
    if (!existsSync(path.join(process.env.NEXT_DIST_DIR ?? '.next', 'BUILD_ID')))
      await run(process.execPath, [nextBin, 'build'], childEnv);
  }
  const next = spawn(
    process.execPath,
    [nextBin, production ? 'start' : 'dev', '-H', '127.0.0.1', '-p', String(settings.PORT)],
    { env: childEnv, stdio: 'inherit' },
  );
  children.push(next);
  next.on('exit', (code) => {
    stopAll();
    process.exit(code ?? 1);
  });

  const url = `http://127.0.0.1:${settings.PORT}`;
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`\nSpare Cycles is running at ${url}\n`);
  // `npm run dev` shows paid work from the first minute: a grant funds a paid demo job (once per DATA_DIR).
  if (!production && !args.includes('--no-demo') && childEnv.RPC_URL && childEnv.ADMIN_TOKEN) {
    const { seedPaidDemo } = await import('./seed-paid-demo');
    await seedPaidDemo({ url, adminToken: childEnv.ADMIN_TOKEN, dataDir }).catch((error: unknown) =>
      console.error('paid demo not seeded:', error instanceof Error ? error.message : error),
    );
  }
}

function run(command: string, args: string[], childEnv: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv, stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
