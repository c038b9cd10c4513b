import { expect, test } from '@playwright/test';

/*
 * Rewards without a wallet extension: a read-only lookup by address, the next epoch's time (or why
 * there is none yet), and the token's address for adding it by hand.
 */

test('anyone can look up an address’s rewards without a wallet; bad input says what to fix', async ({
  page,
}) => {
  await page.goto('/rewards');
  await expect(page.getByTestId('next-epoch')).toHaveText(/epoch/);
  const field = page.getByLabel(/Wallet address/);
  await field.fill('0x1234');
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.locator('#lookup-error')).toHaveText(/must be a 0x-prefixed 20-byte hex address/);
  await expect(field).toHaveAttribute('aria-invalid', 'true');

  // A checksummed address with one letter in the wrong case is a typo, not an account.
  await field.fill('0x1234567890abcdEF1234567890aBcdef12345678');
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.locator('#lookup-error')).toHaveText(/EIP-55 checksum/);

  const address = '0x1234567890AbcdEF1234567890aBcdef12345678';
  await field.fill(address);
  await page.getByRole('button', { name: 'Look up' }).click();
  const result = page.getByTestId('lookup-result');
  await expect(result).toContainText(address.toLowerCase());
  await expect(page.getByTestId('lookup-cumulative')).toHaveText('0 CYCLE');
  await expect(page.getByTestId('lookup-pending')).toHaveText('0 CYCLE');
  // No extension in this browser: the token address is given for adding it by hand.
  await expect(page.getByText(/No wallet extension here/)).toBeVisible();
  // The address may break anywhere (no words in it), and the page never scrolls sideways on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
