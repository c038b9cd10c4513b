/**
 * Runs the Foundry tests in contracts/ with the native forge binary and fails when any test fails.
 *
 * Why a script: the npm `forge` wrapper exits 0 even when tests fail, so CI would stay green.
 * We call the binary directly, stream its output, and fail on its exit code *or* on failures
 * found in its output (belt and braces), ending with one line: `N passed, N failed`.
 *
 *   npx tsx scripts/forge-test.ts                      # every suite
 *   npx tsx scripts/forge-test.ts --match-contract Fuzz  # extra arguments go to `forge test`
 *   npx tsx scripts/forge-test.ts --gas                # gas report + claim/publish figures
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foundryBinary } from '../lib/chain/foundry-binary';

const contractsDir = fileURLToPath(new URL('../contracts/', import.meta.url));
const gasSuite = 'RewardDistributorGasTest';
const gasSnapshotFile = `${contractsDir}snapshots/${gasSuite}.json`;

/** What forge's output says, independent of its exit code. */
interface ForgeSummary {
  passed: number;
  failed: number;
  /** True when forge printed its final `Ran N test suites` line (a compile error prints none). */
  complete: boolean;
  /** True when any suite reported `FAILED` or any test line starts with `[FAIL`. */
  sawFailure: boolean;
}

/** Reads forge's totals and failure markers; ANSI colours are stripped first. */
function parseForgeOutput(output: string): ForgeSummary {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const totals = [...text.matchAll(/Ran \d+ test suites? in .*?: (\d+) tests? passed, (\d+) failed/g)].at(-1);
  const passLines = text.match(/^\[PASS\]/gm)?.length ?? 0;
  const failLines = new Set(text.match(/^\[FAIL[^\n]*/gm) ?? []).size;
  const sawFailure = failLines > 0 || /Suite result: FAILED/.test(text);
  if (totals) {
    return { passed: Number(totals[1]), failed: Number(totals[2]), complete: true, sawFailure };
  }
  return { passed: passLines, failed: failLines, complete: false, sawFailure };
}

/** Runs forge with `args` in contracts/, mirroring its output live; resolves with exit code and text. */
function runForge(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(foundryBinary('forge'), args, {
      cwd: contractsDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // Decoded as streams so multi-byte characters (forge's box drawing) split across chunks survive.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk);
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Prints the figures the gas suite recorded (call gas and whole-transaction gas). */
function printGasFigures(): void {
  if (!existsSync(gasSnapshotFile)) {
    console.error(`no gas snapshot at ${gasSnapshotFile}`);
    return;
  }
  const figures = JSON.parse(readFileSync(gasSnapshotFile, 'utf8')) as Record<string, string>;
  console.log('\nGas (call = execution only; transaction = + 21,000 base + calldata):');
  for (const name of ['claim (first)', 'claim (repeat)', 'publishRoot', 'publishRoot (grants)', 'deposit']) {
    const call = Number(figures[name]).toLocaleString('en-US');
    const tx = Number(figures[`${name}, transaction`]).toLocaleString('en-US');
    console.log(`  ${name.padEnd(22)} call ${call.padStart(7)}   transaction ${tx.padStart(7)}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const gas = args.includes('--gas');
  const forgeArgs = gas
    ? ['test', '--match-contract', gasSuite, '--gas-report', '--gas-snapshot-emit', 'true']
    : ['test'];
  forgeArgs.push(...args.filter((arg) => arg !== '--gas'));
  if (gas) rmSync(gasSnapshotFile, { force: true }); // never print figures from an earlier run

  const { code, output } = await runForge(forgeArgs);
  const summary = parseForgeOutput(output);
  if (gas) printGasFigures();

  const ok = code === 0 && summary.complete && !summary.sawFailure && summary.failed === 0;
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  if (!ok) {
    const why = code !== 0 ? `forge exited with ${code}` : 'forge reported failures';
    console.error(summary.complete ? why : `${why}; no test summary (did compilation fail?)`);
    process.exitCode = 1;
  }
}

await main();
