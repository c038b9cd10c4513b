import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Foundry tools this project runs from npm. */
export type FoundryTool = 'forge' | 'anvil';

const npmArch: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64' };

/**
 * Path of the native Foundry binary installed by `@foundry-rs/<tool>`'s platform package
 * (`@foundry-rs/<tool>-linux-amd64` and siblings).
 *
 * Why not the npm `bin` wrapper: it spawns the binary and exits 0 even when `forge test` fails,
 * and it adds a Node process between us and anvil, so signals and exit codes get lost.
 */
export function foundryBinary(tool: FoundryTool): string {
  const arch = npmArch[process.arch];
  const pkg = `@foundry-rs/${tool}-${process.platform}-${arch ?? process.arch}`;
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(
      `${pkg} is not installed: run \`npm install\` (it is an optional dependency of @foundry-rs/${tool}).`,
    );
  }
  return join(dirname(manifest), 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
}
