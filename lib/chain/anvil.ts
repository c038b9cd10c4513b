import { type ChildProcess, spawn } from 'node:child_process';
import { foundryBinary } from './foundry-binary';

export interface AnvilOptions {
  /** 0 (the default) lets anvil pick a free port, read back from its `Listening on` line. */
  port?: number;
  host?: string;
  chainId?: number;
  /** How long to wait for the node to answer `eth_chainId`. */
  timeoutMs?: number;
  /** Extra command-line arguments, e.g. `['--block-time', '1']`. */
  args?: string[];
}

export interface Anvil {
  rpcUrl: string;
  port: number;
  /** The anvil process, for supervisors that track their children. */
  process: ChildProcess;
  /** Stops the node and resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a local anvil from the native binary in `@foundry-rs/anvil-<platform>` and resolves
 * once it answers JSON-RPC. Used by `npm run dev` and by tests that need a real chain.
 *
 * Why the native binary: the npm wrapper sits between us and anvil, so stopping it could
 * leave the node running.
 *
 * @example
 * const anvil = await startAnvil();
 * const client = createPublicClient({ transport: http(anvil.rpcUrl) });
 * await anvil.stop();
 */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const { port = 0, host = '127.0.0.1', chainId = 31337, timeoutMs = 15_000, args = [] } = options;
  const child = spawn(
    foundryBinary('anvil'),
    ['--host', host, '--port', String(port), '--chain-id', String(chainId), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

  // Always drain stdout (anvil logs every transaction: a full pipe would stall it); keep the tail
  // for error messages.
  let log = '';
  const listening = new Promise<number>((resolve) => {
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-4_000);
      const match = log.match(/Listening on [^\s:]+:(\d+)/);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    exited.then((code) => reject(new Error(`anvil exited with code ${code} before answering:\n${log}`)));
  });
  failed.catch(() => {}); // after start-up, an exit is expected (stop) and must not be unhandled

  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const done = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`anvil did not answer within ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
  });
  timedOut.catch(() => {});
  try {
    const actualPort = await Promise.race([listening, failed, timedOut]);
    const rpcUrl = `http://${host}:${actualPort}`;
    await Promise.race([waitForChainId(rpcUrl, done.signal), failed, timedOut]);
    return { rpcUrl, port: actualPort, process: child, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
    done.abort();
  }
}

/**
 * Polls `eth_chainId` until the node answers (the port opens a moment before RPC is served).
 * The caller's timeout bounds it; `stop` ends the loop once the caller has given up.
 */
async function waitForChainId(rpcUrl: string, stop: AbortSignal): Promise<void> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] });
  while (!stop.aborted) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: stop,
      });
      if (response.ok && typeof ((await response.json()) as { result?: unknown }).result === 'string') return;
    } catch {
      // not accepting connections yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
