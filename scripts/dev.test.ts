import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { NextConfig } from 'next';
import { describe, expect, it } from 'vitest';
import { maxBodyBytes } from '@/lib/http/read-body';

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

describe('next.config.js', () => {
  it('lets proxy.ts hand the routes every body the API accepts, not only its first 10 MB', async () => {
    const configUrl = new URL('../next.config.js', import.meta.url).href;
    const { default: nextConfig } = (await import(configUrl)) as { default: NextConfig };
    const limit = nextConfig.experimental?.proxyClientMaxBodySize;
    expect(typeof limit).toBe('number');
    // The largest body: a 96 MiB job upload, plus multipart framing for its 64 parts.
    expect(limit as number).toBeGreaterThanOrEqual(maxBodyBytes + 64 * 1024);
  });
});

describe('npm run dev (next dev)', () => {
  it('keeps no Turbopack cache on disk: a restart on the old cache reloads open pages in a loop', async () => {
    // Reproduced by hand only (a browser over two dev-server sessions, about two minutes): start
    // `npm run dev`, open `/`, stop it, start it again and open `/rewards` — with the cache on, the
    // HMR subscription answers `restart` on every load and the page reloads about twice a second.
    const configUrl = new URL('../next.config.js', import.meta.url).href;
    const { default: nextConfig } = (await import(configUrl)) as { default: NextConfig };
    expect(nextConfig.experimental?.turbopackFileSystemCacheForDev).toBe(false);
  });
});
