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

/** anvil's third well-known dev key (account #2): the submitter who deposits and pays. */
const anvilKey2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a' as const;

interface ChainConfig {
  chainId: number;
  rpcUrl: string;
  tokenAddress: Address;
  distributorAddress: Address;
}

/** Connects the injected test wallet on /rewards and signs in with Ethereum; returns the volunteer token. */
async function connectAndLink(page: Page, address: Address): Promise<string> {
  await page.goto('/rewards');
  await page.getByRole('button', { name: `Connect ${testWalletInfo.name}` }).click();
  await expect(page.getByTestId('connected-address')).toHaveText(address);
  await page.getByRole('button', { name: 'Sign in with Ethereum' }).click();
  await expect(page.getByTestId('link-status')).toContainText('linked to this wallet');
  const identity = await page.evaluate(() =>
    JSON.parse(localStorage.getItem('spare-cycles.volunteer') ?? 'null'),
  );
  expect(identity?.token).toBeTruthy();
  return identity.token as string;
}

async function closeEpoch(request: APIRequestContext): Promise<void> {
  const closed = await request.post('/api/v1/epochs', { headers: { authorization: `Bearer ${adminToken}` } });
  expect(closed.status(), await closed.text()).toBe(200);
  // `unchanged` only if the server's own epoch timer published the same amounts a moment earlier.
  expect(['published', 'unchanged']).toContain((await closed.json()).status);
}

/**
 * The submitter gets real CYCLE in its wallet the way any account does (an operator grant,
 * withdrawn, published and claimed in the UI), then deposits `amount` with the injected wallet.
 */
async function fundAndDeposit(
  page: Page,
  request: APIRequestContext,
  address: Address,
  token: string,
  amount: bigint,
) {
  const granted = await request.post('/api/v1/grants', {
    headers: { authorization: `Bearer ${adminToken}` },
    data: { address, amount: amount.toString() },
  });
  expect(granted.status(), await granted.text()).toBe(201);
  const withdrawn = await request.post('/api/v1/withdrawals', {
    headers: { authorization: `Bearer ${token}` },
    data: { amount: amount.toString() },
  });
  expect(withdrawn.status(), await withdrawn.text()).toBe(201);
  await closeEpoch(request);
  await page.goto('/rewards');
  await expect(page.getByTestId('connected-address')).toHaveText(address);
  await page.getByRole('button', { name: `Claim ${cycle(amount)}` }).click();
  await expect(page.getByTestId('claim-status')).toContainText('Claim confirmed', { timeout: 30_000 });

  // Deposit through the UI: one transaction from the wallet, credited from the chain's event.
  await page.getByLabel('Deposit CYCLE').fill(formatUnits(amount, 18));
  await page.getByRole('button', { name: 'Deposit', exact: true }).click();
  await expect(page.getByTestId('account-status')).toContainText('Deposit confirmed', { timeout: 30_000 });
  await expect(page.getByTestId('account-balance')).toHaveText(cycle(amount), { timeout: 20_000 });
}

/** Donates on `/` until the job is completed, then Stop; the page says the work pays. */
async function donateUntilDone(page: Page, request: APIRequestContext, jobId: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Donate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(page.getByTestId('work-pays')).toHaveAttribute('data-pays', 'paid', { timeout: 90_000 });
  await expect
    .poll(async () => (await (await request.get(`/api/v1/jobs/${jobId}`)).json()).status, { timeout: 90_000 })
    .toBe('completed');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Donate' })).toBeVisible();
}

test('a submitter deposits and pays for a job; the volunteer claims exactly what was paid, less the fee', async ({
  browser,
  page,
  request,
}) => {
  expect(
    adminToken,
    'the e2e needs the server’s ADMIN_TOKEN (E2E_ADMIN_TOKEN, see playwright.config.ts)',
  ).toBeTruthy();
  const config = (await (await request.get('/api/v1/config')).json()) as ChainConfig;
  expect(config.chainId).toBe(31337);
  const chain = createPublicClient({ transport: http(config.rpcUrl) });
  const balanceOf = (account: Address) =>
    chain.readContract({
      address: config.tokenAddress,
      abi: spareCyclesTokenAbi,
      functionName: 'balanceOf',
      args: [account],
    });

  // The submitter, in its own browser context with its own injected wallet.
  const submitterContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const submitterPage = await submitterContext.newPage();
  const submitterWallet = await installTestWallet(submitterPage, {
    privateKey: anvilKey2,
    rpcUrl: config.rpcUrl,
    chainId: config.chainId,
  });
  const submitterToken = await connectAndLink(submitterPage, submitterWallet.address);
  const deposited = 10n ** 18n;
  await fundAndDeposit(submitterPage, request, submitterWallet.address, submitterToken, deposited);
  expect(submitterWallet.calls).toContain('eth_sendTransaction');

  // /jobs/new estimates a paid job's worst case against the balance: 2·32·16·8 operations =
  // 0.008192 work units at 0.1 CYCLE each, up to 3 results per shard.
  await submitterPage.goto('/jobs/new');
  await submitterPage.getByRole('radio', { name: /^matmul\b/ }).check();
  await submitterPage.locator('#param-m').fill('32');
  await submitterPage.locator('#param-n').fill('16');
  await submitterPage.locator('#param-k').fill('8');
  await submitterPage.getByRole('button', { name: 'Use demo matrices' }).click();
  await submitterPage.getByLabel('Pay volunteers for this job').check();
  await submitterPage.getByLabel('Price per work unit (CYCLE)').fill('0.1');
  await submitterPage.getByRole('button', { name: 'Estimate cost' }).click();
  await expect(submitterPage.getByTestId('payment-estimate')).toContainText(
    `Estimated cost: at most ${cycle(2_457_600_000_000_000n)}`,
  );
  await expect(submitterPage.getByTestId('payment-balance')).toContainText(`${cycle(deposited)} available`);
  await expect(submitterPage.getByTestId('payment-estimate')).toContainText('returns to your balance');

  // The volunteer links its wallet before donating.
  const wallet = await installTestWallet(page, {
    privateKey: anvilKey1,
    rpcUrl: config.rpcUrl,
    chainId: config.chainId,
  });
  const startBalance = await balanceOf(wallet.address);
  await connectAndLink(page, wallet.address);
  expect(wallet.calls).toContain('personal_sign');

  // A paid job: 2 shards of 16×16 (k = 8), 0.004096 work units each, at 0.1 CYCLE per work unit.
  const [m, n, k] = [32, 16, 8];
  const price = 10n ** 17n;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7) % 13) - 6);
  const b = new Float32Array(k * n).map((_, i) => ((i * 5) % 11) - 5);
  const created = await request.post('/api/v1/jobs', {
    headers: { authorization: `Bearer ${submitterToken}` },
    data: {
      kernel: 'matmul',
      params: { m, n, k, tileRows: 16, tileCols: 16 },
      inputs: {
        a: Buffer.from(writeNpy(m, k, a)).toString('base64'),
        b: Buffer.from(writeNpy(k, n, b)).toString('base64'),
      },
      title: 'e2e paid job',
      payment: { pricePerWorkUnit: price.toString() },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { jobId } = await created.json();

  await donateUntilDone(page, request, jobId);
  const job = await (await request.get(`/api/v1/jobs/${jobId}`)).json();
  const perShard = (price * 4_096n) / 1_000_000n; // floor(price × 0.004096)
  expect(job.payment).toMatchObject({ spent: String(2n * perShard), remaining: '0' });
  const feePerShard = (perShard * BigInt(job.payment.feeBps)) / 10_000n;
  expect(feePerShard).toBeGreaterThan(0n);
  const paidToVolunteer = 2n * (perShard - feePerShard);

  // The submitter sees what it spent and that the rest came back.
  await submitterPage.goto(`/jobs/${jobId}`);
  await expect(submitterPage.getByTestId('payment-spent')).toHaveText(cycle(2n * perShard));
  await submitterPage.goto('/rewards');
  await expect(submitterPage.getByTestId('account-balance')).toHaveText(cycle(deposited - 2n * perShard));
  await expect(submitterPage.getByTestId('account-reserved')).toHaveText(cycle(0n));
  await submitterContext.close();

  await closeEpoch(request);
  const rewards = await (await request.get(`/api/v1/rewards/${wallet.address}`)).json();
  expect(rewards).toMatchObject({ cumulative: String(paidToVolunteer), claimed: '0' });
  const earned = paidToVolunteer;

  // Back on /rewards: the wallet reconnects by itself, and the page shows the new epoch.
  await page.goto('/rewards');
  await expect(page.getByTestId('connected-address')).toHaveText(wallet.address);
  await expect(page.getByTestId('claimable')).toHaveText(cycle(earned));
  await expect(page.getByTestId('claimed')).toHaveText(cycle(0n));
  await expect(page.getByTestId('earnings')).toHaveText(cycle(earned));

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
    expect(
      axe.violations.map(
        (v) => `${colorScheme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      ),
    ).toEqual([]);
  }
});
