import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  formatUnits,
  type Hex,
  http,
} from 'viem';
import { rewardDistributorAbi, spareCyclesTokenAbi } from '../lib/chain/generated/contracts';
import { writeNpy } from '../lib/kernels/npy';
import { anvilKey1, installTestWallet, testWalletInfo } from './fixtures/test-wallet';

/** The operator token: the webServer is started with it (playwright.config.ts). */
const adminToken = process.env.E2E_ADMIN_TOKEN ?? process.env.ADMIN_TOKEN;

const cycle = (units: bigint) => `${formatUnits(units, 18)} CYCLE`;

/**
 * Earns verified credit the way a volunteer does: a submitter posts a small matmul job through the
 * API, and this browser donates on `/` — the page's own compute worker (WebGPU on SwiftShader here)
 * leases, computes and submits under the identity the rewards page signed in with — until the job
 * is completed; then Stop.
 */
async function donateUntilDone(page: Page, request: APIRequestContext): Promise<void> {
  const submitter = await (await request.post('/api/v1/volunteers', { data: {} })).json();
  const [m, n, k] = [32, 16, 8];
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * n).map((_, i) => ((i * 5) % 11) - 5);
  const created = await request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${submitter.token}` },
    data: {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 16, tileCols: 16 },
      inputs: {
        a: Buffer.from(writeNpy(m, k, a)).toString('base64'),
        b: Buffer.from(writeNpy(k, n, b)).toString('base64'),
      },
      title: 'e2e rewards',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { jobId } = await created.json();

  await page.goto('/');
  await page.getByRole('button', { name: 'Donate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/jobs/${jobId}`)).json()).status, { timeout: 90_000 })
    .toBe('completed');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Donate' })).toBeVisible();
}

test('a volunteer links an injected wallet and claims exactly its credit, once', async ({
  page,
  request,
}) => {
  expect(
    adminToken,
    'the e2e needs the server’s ADMIN_TOKEN (E2E_ADMIN_TOKEN, see playwright.config.ts)',
  ).toBeTruthy();
  const config = (await (await request.get('/api/v1/config')).json()) as {
    chainId: number;
    rpcUrl: string;
    tokenAddress: Address;
    distributorAddress: Address;
  };
  expect(config.chainId).toBe(31337);
  const chain = createPublicClient({ transport: http(config.rpcUrl) });
  const balanceOf = (account: Address) =>
    chain.readContract({
      address: config.tokenAddress,
      abi: spareCyclesTokenAbi,
      functionName: 'balanceOf',
      args: [account],
    });

  const wallet = await installTestWallet(page, {
    privateKey: anvilKey1,
    rpcUrl: config.rpcUrl,
    chainId: config.chainId,
  });
  const startBalance = await balanceOf(wallet.address);

  // Connect: the wallet is found through EIP-6963 and listed by its announced name.
  await page.goto('/rewards');
  await page.getByRole('button', { name: `Connect ${testWalletInfo.name}` }).click();
  await expect(page.getByTestId('connected-address')).toHaveText(wallet.address);

  // Sign in with Ethereum: a real personal_sign over an EIP-4361 message, verified by the server.
  await page.getByRole('button', { name: 'Sign in with Ethereum' }).click();
  await expect(page.getByTestId('link-status')).toContainText('linked to this wallet');
  expect(wallet.calls).toContain('personal_sign');
  const identity = await page.evaluate(() =>
    JSON.parse(localStorage.getItem('spare-cycles.volunteer') ?? 'null'),
  );
  expect(identity?.token).toBeTruthy();
  const me = await (
    await request.get('/api/v1/volunteers/me', { headers: { authorization: `Bearer ${identity.token}` } })
  ).json();
  expect(me.address).toBe(wallet.address.toLowerCase());

  await donateUntilDone(page, request);
  const credited = await (
    await request.get('/api/v1/volunteers/me', { headers: { authorization: `Bearer ${identity.token}` } })
  ).json();
  expect(credited.shardsDone).toBeGreaterThanOrEqual(2);
  expect(credited.credit.verified).toBeGreaterThan(0);

  // The operator closes an epoch: the coordinator publishes the root on anvil.
  const closed = await request.post('/api/v1/epochs', { headers: { authorization: `Bearer ${adminToken}` } });
  expect(closed.status(), await closed.text()).toBe(200);
  const epoch = await closed.json();
  // `unchanged` only if the server's own epoch timer published this very credit a moment earlier.
  expect(['published', 'unchanged']).toContain(epoch.status);
  const rewards = await (await request.get(`/api/v1/rewards/${wallet.address}`)).json();
  expect(rewards).toMatchObject({ epoch: epoch.epoch, claimed: '0' });
  // The cumulative amount is this volunteer's verified credit at the documented rate
  // (1 work unit = 10^15 token units, rounded down).
  const earned = BigInt(rewards.cumulative);
  expect(Number(earned) / 1e15).toBeCloseTo(credited.credit.verified, 9);
  expect(earned).toBeGreaterThan(0n);

  // Back on /rewards: the wallet reconnects by itself, and the page shows the new epoch.
  await page.goto('/rewards');
  await expect(page.getByTestId('connected-address')).toHaveText(wallet.address);
  await expect(page.getByTestId('claimable')).toHaveText(cycle(earned));
  await expect(page.getByTestId('claimed')).toHaveText(cycle(0n));

  // Claim in the UI: the wallet signs and sends the transaction; the page follows it to confirmation.
  await page.getByRole('button', { name: `Claim ${cycle(earned)}` }).click();
  await expect(page.getByTestId('claim-status')).toContainText('Claim confirmed', { timeout: 30_000 });
  expect(wallet.calls).toContain('eth_sendTransaction');
  expect(await balanceOf(wallet.address)).toBe(startBalance + earned);
  await expect(page.getByTestId('balance')).toHaveText(cycle(startBalance + earned));
  await expect(page.getByTestId('claimed')).toHaveText(cycle(earned));

  // A second claim pays nothing more: the button has nothing to claim, and a direct claim reverts.
  await expect(page.getByTestId('claimable')).toHaveText(cycle(0n));
  await expect(page.getByRole('button', { name: 'Nothing to claim' })).toBeDisabled();
  let reverted: string | undefined;
  try {
    await chain.simulateContract({
      account: wallet.address,
      address: config.distributorAddress,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [wallet.address, BigInt(rewards.cumulative), rewards.proof as Hex[]],
    });
  } catch (error) {
    const inner =
      error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    reverted = inner instanceof ContractFunctionRevertedError ? inner.data?.errorName : String(error);
  }
  expect(reverted).toBe('NothingToClaim');
  expect(await balanceOf(wallet.address)).toBe(startBalance + earned);

  // The page, in the state with the most on it, has no detectable accessibility violations, in
  // light and in dark mode (contrast differs).
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const axe = await new AxeBuilder({ page }).include('main').withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.help}`)).toEqual([]);
  }
});
