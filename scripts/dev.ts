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
 * `--no-chain` skips the local chain (benchmarks of the coordinator alone), `--processes N` runs N
 * coordinators on ports PORT…PORT+N−1 and `--workers N` runs N `npm run worker` pipeline processes
 * (both need DATABASE_URL; see docs/operations.md).
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
  // The production build runs as production, whose settings (PUBLIC_URL) are checked here, before
  // anything starts, and again by the server itself (instrumentation.ts).
  if (production) Object.assign(process.env, { NODE_ENV: 'production' });
  let settings: ReturnType<typeof env>;
  try {
    settings = env();
  } catch (error) {
    console.error(`Spare Cycles cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const dataDir = path.resolve(settings.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(settings.PORT) };
  // A generated token is shown in the closing summary, after the chain's and Next's output, not above it.
  const generatedAdminToken = settings.ADMIN_TOKEN ? null : randomBytes(24).toString('base64url');
  if (generatedAdminToken) childEnv.ADMIN_TOKEN = generatedAdminToken;

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
  // Several coordinators (consecutive ports, for a load balancer) and separate pipeline workers
  // share one Postgres; PGlite belongs to one process.
  const processes = countFlag(args, '--processes', 1);
  const workers = countFlag(args, '--workers', 0);
  if ((processes > 1 || workers > 0) && !settings.DATABASE_URL) {
    console.error(
      '--processes and --workers need DATABASE_URL (a Postgres server): the embedded database serves one process.',
    );
    process.exit(2);
  }
  if (workers > 0) childEnv.PIPELINE_IN_PROCESS = 'false';
  const ports = Array.from({ length: processes }, (_, i) => settings.PORT + i);
  for (const port of ports) {
    // Production runs our own small server around Next (scripts/next-server.mjs): it decides the
    // client address from the socket or TRUSTED_PROXY_HEADER, never from a client-sent header.
    // `next dev` listens on 127.0.0.1 only, so every peer there is loopback.
    const next = spawn(
      process.execPath,
      production
        ? [path.resolve('scripts/next-server.mjs'), '127.0.0.1', String(port)]
        : [nextBin, 'dev', '-H', '127.0.0.1', '-p', String(port)],
      {
        env: { ...childEnv, PORT: String(port) },
        stdio: 'inherit',
      },
    );
    children.push(next);
    next.on('exit', (code) => {
      stopAll();
      process.exit(code ?? 1);
    });
  }
  for (let i = 0; i < workers; i++) {
    const worker = spawn(
      process.execPath,
      [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/worker.ts'],
      {
        env: childEnv,
        stdio: 'inherit',
      },
    );
    children.push(worker);
  }
  const url = `http://127.0.0.1:${settings.PORT}`;
  for (const port of ports) {
    for (let i = 0; i < 600; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
        if (r.ok) break;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (processes > 1)
    console.log(`\ncoordinators on ports ${ports.join(', ')}; ${workers} pipeline worker(s)`);
  const summary = [
    `Spare Cycles is running at ${url}`,
    generatedAdminToken
      ? `Admin token (Bearer, for POST /api/v1/epochs and /api/v1/grants): ${generatedAdminToken}`
      : 'Admin token: the ADMIN_TOKEN you set',
  ];
  const rule = '─'.repeat(Math.max(...summary.map((line) => line.length)) + 2);
  console.log(
    `\n┌${rule}┐\n${summary.map((line) => `│ ${line.padEnd(rule.length - 2)} │`).join('\n')}\n└${rule}┘\n`,
  );
  // `npm run dev` shows paid work from the first minute: a grant funds a paid demo job (once per DATA_DIR).
  if (!production && !args.includes('--no-demo') && childEnv.RPC_URL && childEnv.ADMIN_TOKEN) {
    const { seedPaidDemo } = await import('./seed-paid-demo');
    await seedPaidDemo({ url, adminToken: childEnv.ADMIN_TOKEN, dataDir }).catch((error: unknown) =>
      console.error('paid demo not seeded:', error instanceof Error ? error.message : error),
    );
  }
}

/** The number after `flag` (`--workers 2`), or `fallback` when absent. */
function countFlag(args: string[], flag: string, fallback: number): number {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 64) {
    console.error(`${flag} takes a whole number from 0 to 64`);
    process.exit(2);
  }
  return value;
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
