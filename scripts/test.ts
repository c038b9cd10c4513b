import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { startThrowawayPostgres } from './throwaway-postgres';

/**
 * `npm test`: every test, in one command. Runs each suite even when an earlier one failed, then
 * prints one closing line `N passed, N failed` over all of them.
 *
 * 1. static checks (format, lint, layer rules, typecheck): `npm run check`
 * 2. unit + API integration tests (vitest), the API suite on PGlite and on a real Postgres server
 *    (TEST_DATABASE_URL, or a throwaway server started here)
 * 3. contract tests (forge, through the native binary so failures fail)
 * 4. a production build, then end-to-end tests against it (Playwright, real Chromium with WebGPU),
 *    including several coordinator and worker processes on the same Postgres server
 */
interface Tally {
  passed: number;
  failed: number;
}

function run(
  command: string,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      output += d.toString();
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function section(title: string): void {
  console.log(`\n━━━ ${title} ━━━\n`);
}

async function main(): Promise<void> {
  const tally: Tally = { passed: 0, failed: 0 };
  const failures: string[] = [];
  mkdirSync('test-results', { recursive: true });
  const npx = 'npx';

  section('static checks (npm run check)');
  const check = await run('npm', ['run', '--silent', 'check']);
  if (check.code === 0) tally.passed += 1;
  else {
    tally.failed += 1;
    failures.push('npm run check');
  }

  let postgres: { url: string; stop(): void } | undefined;
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    postgres = await startThrowawayPostgres();
    databaseUrl = postgres.url;
    console.log(`throwaway Postgres at ${databaseUrl}`);
  }
  try {
    section('unit and API integration tests (vitest; API on PGlite and Postgres)');
    const vitestJson = 'test-results/vitest.json';
    rmSync(vitestJson, { force: true });
    const vitest = await run(
      npx,
      ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
      {
        TEST_DATABASE_URL: databaseUrl,
      },
    );
    if (existsSync(vitestJson)) {
      const report = JSON.parse(readFileSync(vitestJson, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numTodoTests: number;
      };
      tally.passed += report.numPassedTests;
      tally.failed += report.numFailedTests + report.numPendingTests + report.numTodoTests;
      if (report.numFailedTests > 0 || vitest.code !== 0) failures.push('vitest');
    } else {
      tally.failed += 1;
      failures.push('vitest (no report)');
    }
  } catch (error) {
    postgres?.stop();
    throw error;
  }

  section('contract tests (forge)');
  const forge = await run(npx, ['tsx', 'scripts/forge-test.ts']);
  const forgeCounts = /^(\d+) passed, (\d+) failed/m.exec(forge.output);
  if (forgeCounts) {
    tally.passed += Number(forgeCounts[1]);
    tally.failed += Number(forgeCounts[2]);
  }
  if (forge.code !== 0 || !forgeCounts) {
    if (!forgeCounts) tally.failed += 1;
    failures.push('forge');
  }

  section('end-to-end tests (Playwright, Chromium with WebGPU)');
  // Always a fresh production build: the e2e server must serve the code under test, not a stale one.
  const build = await run(npx, ['next', 'build']);
  if (build.code !== 0) {
    tally.failed += 1;
    failures.push('next build');
  }
  const playwrightJson = 'test-results/playwright.json';
  rmSync(playwrightJson, { force: true });
  // The same throwaway Postgres serves the multi-process spec (several coordinators and workers).
  const e2e = await run(npx, ['playwright', 'test'], { TEST_DATABASE_URL: databaseUrl });
  postgres?.stop();
  if (existsSync(playwrightJson)) {
    const report = JSON.parse(readFileSync(playwrightJson, 'utf8')) as {
      stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    };
    tally.passed += report.stats.expected + report.stats.flaky;
    tally.failed += report.stats.unexpected + report.stats.skipped;
    if (report.stats.unexpected > 0 || e2e.code !== 0) failures.push('playwright');
  } else {
    tally.failed += 1;
    failures.push('playwright (no report)');
  }

  console.log(`\n${failures.length ? `failed suites: ${failures.join(', ')}` : 'all suites passed'}`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed > 0 || failures.length > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
