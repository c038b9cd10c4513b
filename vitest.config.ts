import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Imports `*.wgsl` as a string, as Turbopack's `raw` rule does in the app. */
const wgslAsString = {
  name: 'wgsl-as-string',
  load(id: string) {
    if (!id.endsWith('.wgsl')) return null;
    return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
  },
};

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  plugins: [wgslAsString],
  resolve: { alias: { '@': root } },
  test: {
    exclude: ['node_modules/**', 'e2e/**', '.next/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'scripts/**/*.test.ts',
            'workers/**/*.test.ts',
            'browser/**/*.test.ts',
          ],
        },
      },
      // The API integration suite runs twice: on embedded PGlite and on a real Postgres server.
      {
        extends: true,
        test: {
          name: 'api-pglite',
          include: ['app/**/*.test.ts'],
          // Known-answer shards are random extra leases: tests that want them set a rate.
          env: { TEST_DB: 'pglite', LOG_LEVEL: 'warn', KNOWN_ANSWER_RATE: '0' },
        },
      },
      {
        extends: true,
        test: {
          name: 'api-postgres',
          include: ['app/**/*.test.ts'],
          env: { TEST_DB: 'postgres', LOG_LEVEL: 'warn', KNOWN_ANSWER_RATE: '0' },
        },
      },
    ],
  },
});
