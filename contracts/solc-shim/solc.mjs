#!/usr/bin/env node
/**
 * A stand-in for the native `solc` binary, backed by solc-js from node_modules.
 *
 * Why: no compiler can be downloaded here, so forge (`auto_detect_solc = false`,
 * `offline = true`) is pointed at this script through `solc = "solc-shim/solc.mjs"` in
 * foundry.toml. forge only needs two things from a compiler:
 * - `--version`: the last line must read `Version: <semver>` (forge parses it to pick settings);
 * - `--standard-json`: standard JSON in on stdin, standard JSON out on stdout.
 * Every other flag forge adds (`--allow-paths`, `--base-path`, `--include-path`, …) is accepted;
 * the paths they name become extra roots for the import resolver. forge already inlines every
 * source's `content`, so the resolver is a fallback for inputs that only carry `urls`/imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

/** Values of a flag given as `--flag a,b`, `--flag a --flag b` or `--flag=a`. */
function flagValues(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === name && i + 1 < args.length) values.push(...args[i + 1].split(','));
    else if (arg.startsWith(`${name}=`)) values.push(...arg.slice(name.length + 1).split(','));
  }
  return values.filter((v) => v.length > 0);
}

/** Finds an import on disk: relative to the base and include paths, then through node_modules. */
function makeResolver() {
  const roots = [...flagValues('--base-path'), ...flagValues('--include-path'), process.cwd()];
  return (path) => {
    const candidates = isAbsolute(path) ? [path] : roots.map((root) => resolve(root, path));
    if (path.startsWith('@')) {
      try {
        // `@openzeppelin/contracts/x.sol` → the installed package, wherever npm put it.
        const [scope, name, ...rest] = path.split('/');
        const pkg = require.resolve(`${scope}/${name}/package.json`);
        candidates.push(join(pkg, '..', ...rest));
      } catch {
        // not an installed package: fall through to "not found"
      }
    }
    for (const candidate of candidates) {
      if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
    }
    return { error: `File not found: ${path}` };
  };
}

/** The standard JSON input: from a file named after `--standard-json` (as solc allows), else stdin. */
async function readInput() {
  const file = args[args.indexOf('--standard-json') + 1];
  if (file && !file.startsWith('-') && existsSync(file)) return readFileSync(file, 'utf8');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const solc = require('solc');
  if (args.includes('--version') || args.includes('-v')) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!args.includes('--standard-json')) {
    process.stderr.write('solc shim: only --version and --standard-json are supported\n');
    process.exitCode = 1;
    return;
  }
  const output = solc.compile(await readInput(), { import: makeResolver() });
  process.stdout.write(output);
}

await main();
