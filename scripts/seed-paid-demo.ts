/**
 * The paid-job story for a newcomer running `npm run dev`: a demo sponsor (anvil's key #9, a public
 * dev key) links its wallet, the dev operator grants it 10 CYCLE (`POST /api/v1/grants`), and it
 * submits a small paid matmul job. Press Donate on `/` and the job's verified results earn CYCLE,
 * claimable on `/rewards` after the next epoch. Runs once per DATA_DIR (remembered in
 * `DATA_DIR/paid-demo.json`), over the public HTTP API only.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { writeNpy } from '../lib/kernels/npy';

/** anvil's tenth well-known development key: public, only ever used on the local dev chain. */
const demoSponsorKey = '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6';
const grant = 10n * 10n ** 18n; // 10 CYCLE
const price = 10n ** 16n; // 0.01 CYCLE per work unit

async function call<T = Record<string, string>>(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function seedPaidDemo(options: {
  url: string;
  adminToken: string;
  dataDir: string;
}): Promise<void> {
  const marker = path.join(options.dataDir, 'paid-demo.json');
  if (existsSync(marker)) return;
  const { url, adminToken } = options;
  const sponsor = privateKeyToAccount(demoSponsorKey);

  const { token } = await call(`${url}/api/v1/volunteers`, { method: 'POST', body: '{}' });
  const nonce = await call<{ chainId: number; domain: string; uri: string; nonce: string }>(
    `${url}/api/v1/auth/nonce`,
    { token },
  );
  const message = createSiweMessage({
    address: sponsor.address,
    chainId: nonce.chainId,
    domain: nonce.domain,
    uri: nonce.uri,
    nonce: nonce.nonce,
    version: '1',
    statement: 'Link this wallet to my Spare Cycles volunteer.',
    issuedAt: new Date(),
  });
  const signature = await sponsor.signMessage({ message });
  await call(`${url}/api/v1/auth/verify`, {
    method: 'POST',
    token,
    body: JSON.stringify({ message, signature }),
  });
  await call(`${url}/api/v1/grants`, {
    method: 'POST',
    token: adminToken,
    body: JSON.stringify({ address: sponsor.address, amount: grant.toString() }),
  });

  const [m, n, k] = [128, 128, 128];
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * n).map((_, i) => ((i * 5) % 11) - 5);
  const job = await call(`${url}/api/v1/jobs`, {
    method: 'POST',
    token,
    body: JSON.stringify({
      kernel: 'matmul',
      title: 'Paid demo: 128×128 matrix product',
      params: { m, n, k, tileRows: 64, tileCols: 64 },
      inputs: {
        a: Buffer.from(writeNpy(m, k, a)).toString('base64'),
        b: Buffer.from(writeNpy(k, n, b)).toString('base64'),
      },
      payment: { pricePerWorkUnit: price.toString() },
      // A showcase: its page shows params and result to anyone (API jobs are private by default).
      visibility: 'public',
    }),
  });
  await writeFile(marker, `${JSON.stringify({ jobId: job.jobId, sponsor: sponsor.address }, null, 2)}\n`);
  console.log(
    `paid demo: the dev operator granted 10 CYCLE to ${sponsor.address}, which funds job ${url}/jobs/${job.jobId} ` +
      '(0.01 CYCLE per work unit). Press Donate on / to earn it; claim on /rewards after the next epoch.',
  );
}
