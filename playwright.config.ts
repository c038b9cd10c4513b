import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
// Specs import the kernels, which import their WGSL as text: teach Node (runner and workers) that.
import './scripts/register-wgsl.mjs';

const port = Number(process.env.E2E_PORT ?? 3210);
// One operator token for the e2e server and the specs (workers inherit the runner's environment).
const adminToken = process.env.E2E_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
process.env.E2E_ADMIN_TOKEN = adminToken;

/** Flags from STACK.md: WebGPU on (SwiftShader when there is no GPU) and no background traffic. */
export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'e2e',
  // Parallel runs on one checkout need their own folders (E2E_OUTPUT_DIR).
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results/e2e',
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    // The production build, started the way `npm start` does, on a throwaway data directory.
    command: `npx tsx scripts/dev.ts --start --port ${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ADMIN_TOKEN: adminToken,
      // Production refuses to start without it; Sign-In with Ethereum binds signatures to its host.
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: process.env.E2E_DATA_DIR ?? `.data/e2e-${Date.now()}`,
      DEV_CHAIN_PORT: String(port + 1),
    },
  },
});
