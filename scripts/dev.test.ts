import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start (scripts/dev.ts --start)', () => {
  it('refuses to start in production without PUBLIC_URL, before starting anything, saying why', () => {
    const childEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'PUBLIC_URL' && name !== 'NODE_ENV'),
    );
    childEnv.DATA_DIR = path.resolve('.data/never-created');
    const child = spawnSync(
      process.execPath,
      [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/dev.ts', '--start', '--port', '3999'],
      { env: childEnv as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(
      /Spare Cycles cannot start: Invalid environment: PUBLIC_URL: required in production/,
    );
  });
});
