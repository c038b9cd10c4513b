// Node module hook: `import source from './x.wgsl'` yields the file's text, as Turbopack's `raw`
// rule does in the app and the Vitest plugin does in tests. Registered by register-wgsl.mjs for
// Node-side code that imports the kernels: Playwright specs and tsx scripts (benchmarks).
import { readFile } from 'node:fs/promises';

export async function load(url, context, next) {
  if (!url.endsWith('.wgsl')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(source)};`, shortCircuit: true };
}
