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
    include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'workers/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
