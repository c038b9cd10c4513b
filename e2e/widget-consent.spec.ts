import { expect, type Page, test } from '@playwright/test';
import { blogPage, donateInFramedCard, type HostServer, startHostServer } from './widget-host';

/*
 * Clickjacking: a host page frames /embed (anyone may) and tricks the visitor into pressing Donate —
 * under a decoy that lets clicks through, or with the card made invisible. A covered card refuses
 * the press (IntersectionObserver v2); a card framed by another origin also asks for a confirming
 * press, which catches the transparent card v2 cannot see across sites. The card in plain view
 * starts after press and confirmation. Real host page on another site, real production server,
 * real Chromium.
 */

const servers: HostServer[] = [];
test.afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** Covers the widget's iframe with an opaque decoy that lets clicks through to the card. */
const decoy = `<script>
  const cover = () => {
    const frame = document.querySelector('iframe[data-spare-cycles]');
    if (!frame) return setTimeout(cover, 50);
    const box = frame.getBoundingClientRect();
    const d = document.createElement('div');
    d.id = 'decoy';
    d.textContent = 'Click to claim your prize!';
    d.style.cssText = 'position:absolute;left:' + (box.left + scrollX) + 'px;top:' + (box.top + scrollY) +
      'px;width:' + box.width + 'px;height:' + box.height + 'px;background:#fc0;pointer-events:none;z-index:10';
    document.body.append(d);
  };
  cover();
</script>`;

const invisible = '<style>iframe[data-spare-cycles] { opacity: 0 !important; }</style>';

async function openHost(page: Page, baseURL: string | undefined, extraBody: string, sameSite = false) {
  const app = new URL(baseURL!).origin;
  const server = await startHostServer(
    {
      '/post': blogPage(app, `consent-${Date.now()}.example`, extraBody),
    },
    { sameSite },
  );
  servers.push(server);
  const leaseCalls: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/leases') leaseCalls.push(r.method());
  });
  await page.goto(`${server.origin}/post`);
  const card = page.frameLocator('iframe[data-spare-cycles]');
  const donate = card.getByRole('button', { name: 'Donate' });
  await expect(donate).toBeEnabled();
  await donate.scrollIntoViewIfNeeded();
  await page.waitForTimeout(800); // longer than the card's minimum visible time: only visibility decides
  return { card, donate, leaseCalls };
}

test('Chromium has IntersectionObserver v2, which the card relies on', async ({ page }) => {
  await page.goto('/embed?site=example.org');
  expect(await page.evaluate(() => 'isVisible' in IntersectionObserverEntry.prototype)).toBe(true);
});

test('a press on a card covered by a decoy that lets clicks through (another site) does not start donating', async ({
  page,
  baseURL,
}) => {
  const { card, donate, leaseCalls } = await openHost(page, baseURL, decoy);
  await donate.click();
  await expect(card.getByTestId('embed-consent-note')).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(card.getByRole('button')).toHaveAttribute('data-state', 'idle');
  await expect(card.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  expect(leaseCalls).toEqual([]);
});

// Chromium's IntersectionObserver v2 does not see a cross-site host's opacity on the card's
// out-of-process frame: the card reports visible. So framed by another origin, a press only asks to
// confirm, and a single tricked press (on either host) starts nothing.
for (const [name, sameSite] of [
  ['another site', false],
  ['a same-site host', true],
] as const) {
  test(`a single press on a card made invisible (opacity 0) on ${name} does not start donating`, async ({
    page,
    baseURL,
  }) => {
    const { card, donate, leaseCalls } = await openHost(page, baseURL, invisible, sameSite);
    await donate.click();
    await page.waitForTimeout(1000);
    await expect(card.getByRole('button', { name: 'Stop' })).toHaveCount(0);
    await expect(card.getByRole('button')).toHaveAttribute('data-state', 'idle');
    expect(leaseCalls).toEqual([]);
  });
}

test('the card in plain view on another site starts donating after the press and its confirmation (the control)', async ({
  page,
  baseURL,
}) => {
  const { card, leaseCalls } = await openHost(page, baseURL, '');
  await donateInFramedCard(card);
  await expect(card.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(card.getByTestId('embed-consent-note')).toHaveCount(0);
  await expect.poll(() => leaseCalls.length).toBeGreaterThan(0);
  await card.getByRole('button', { name: 'Stop' }).click();
  await expect(card.getByRole('button', { name: 'Donate' })).toBeVisible();
});

test('a double-click trap on a card framed by another site does not start donating', async ({
  page,
  baseURL,
}) => {
  const { card, donate, leaseCalls } = await openHost(page, baseURL, '');
  await donate.dblclick();
  await page.waitForTimeout(1000);
  await expect(card.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  expect(leaseCalls).toEqual([]);
});

test('without IntersectionObserver v2 a first press only asks to confirm; the second press starts', async ({
  page,
}) => {
  // A browser without trackVisibility: take the v2 attribute away before the card's code runs.
  await page.addInitScript(() => {
    delete (IntersectionObserverEntry.prototype as unknown as { isVisible?: boolean }).isVisible;
  });
  await page.goto('/embed?site=confirm.example');
  const donate = page.getByRole('button', { name: 'Donate' });
  await expect(donate).toBeEnabled();
  await donate.click();
  const confirm = page.getByRole('button', { name: 'Confirm: donate' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toHaveAttribute('data-state', 'idle');
  await page.waitForTimeout(600); // a double-click trap presses twice within a moment: not enough
  await confirm.click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
});
