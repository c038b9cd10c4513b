import { expect, test } from '@playwright/test';
import { generatePrivateKey } from 'viem/accounts';
import { writeNpy } from '../lib/kernels/npy';
import { createMatmulJob, linkWallet, register, simulateMatmulVolunteer } from './jobs-fixtures';
import { matrix } from './volunteer-fixtures';

/*
 * The leaderboard against the real server. The volunteers here are simulated over the HTTP API
 * (CPU matmul in Node, see jobs-fixtures.ts): the page reads the credit ledger, and only the
 * ledger's contents matter to it, not which runtime computed the shards.
 */

const credit = (text: string | null) => Number((text ?? '').replaceAll(',', ''));

test('volunteers and sites are ranked by verified credit; a linked wallet shows as 0x1234…abcd', async ({
  page,
  request,
}) => {
  const owner = await register(request);
  const [m, n, k] = [128, 128, 128];
  // 32×32 tiles: 16 shards of 2·32·32·128 operations each.
  const job = await createMatmulJob(request, owner, {
    m,
    n,
    k,
    tile: 32,
    title: 'leaderboard e2e',
    a: writeNpy(m, k, matrix(m, k, 5)),
    b: writeNpy(k, n, matrix(k, n, 6)),
  });
  expect(job.shards).toBe(16);
  const perShard = (2 * 32 * 32 * 128) / 1e6;

  const site = `leaderboard-${Date.now()}.example`;
  const anonymous = await register(request, site);
  const walletOwner = await register(request);
  const address = await linkWallet(request, walletOwner, generatePrivateKey());

  expect(await simulateMatmulVolunteer(request, anonymous, 10)).toBe(10);
  expect(await simulateMatmulVolunteer(request, walletOwner, 6)).toBe(6);
  await expect
    .poll(async () => (await (await request.get(`/api/v1/jobs/${job.jobId}`)).json()).status)
    .toBe('completed');

  await page.goto('/leaderboard');
  await expect(page.getByRole('heading', { level: 1, name: 'Leaderboard' })).toBeVisible();

  const volunteers = page.getByRole('table', { name: 'Top volunteers by verified credit' });
  const shortId = anonymous.volunteerId.replaceAll('-', '').slice(0, 8);
  const anonymousRow = volunteers.getByRole('row', { name: new RegExp(shortId) });
  await expect(anonymousRow).toHaveCount(1);
  expect(credit(await anonymousRow.getByRole('cell').nth(2).textContent())).toBeCloseTo(10 * perShard, 2);

  const walletLabel = `${address.slice(0, 6)}…${address.slice(-4)}`;
  const walletRow = volunteers.getByRole('row', { name: new RegExp(walletLabel) });
  await expect(walletRow).toHaveCount(1);
  await expect(walletRow).toContainText('wallet');
  expect(credit(await walletRow.getByRole('cell').nth(2).textContent())).toBeCloseTo(6 * perShard, 2);
  // Anonymous volunteers never show more than the short id; the wallet row never the volunteer id.
  await expect(volunteers).not.toContainText(anonymous.volunteerId);
  await expect(volunteers).not.toContainText(walletOwner.volunteerId.slice(0, 8));

  // Ranked by credit: more work, higher row.
  const rows = await volunteers.getByRole('row').allTextContents();
  const anonymousIndex = rows.findIndex((r) => r.includes(shortId));
  const walletIndex = rows.findIndex((r) => r.includes(walletLabel));
  expect(anonymousIndex).toBeLessThan(walletIndex);
  const credits = await volunteers.locator('tbody tr td:nth-child(3)').allTextContents();
  const values = credits.map(credit);
  expect(values).toEqual([...values].sort((x, y) => y - x));

  // The site row: credit donated through the widget by the anonymous volunteer only.
  const sites = page.getByRole('table', { name: 'Top sites by credit donated through the widget' });
  const siteRow = sites.getByRole('row', { name: new RegExp(site.replaceAll('.', '\\.')) });
  await expect(siteRow).toHaveCount(1);
  expect(credit(await siteRow.getByRole('cell').nth(2).textContent())).toBeCloseTo(10 * perShard, 2);
  await expect(siteRow.getByRole('cell').nth(3)).toHaveText('1');
});
