import AxeBuilder from '@axe-core/playwright';
import { expect, type Frame, type Page, test } from '@playwright/test';
import {
  cancelJob,
  downloadResult,
  expectMatmulResult,
  matmulCase,
  recordRequests,
  registerSubmitter,
  submitJob,
  waitForJob,
} from './volunteer-fixtures';
import {
  blogPage,
  donateInFramedCard,
  forgerPage,
  type HostLog,
  type HostServer,
  startHostServer,
} from './widget-host';

/*
 * The embeddable widget end to end: a host page on another site (`localhost`, a bare node:http server
 * on its own port, e2e/widget-host.ts, while the app is `127.0.0.1`) pastes the one-line snippet pointing at the real app server (Next
 * production build, PGlite, anvil); real Chromium runs the card's compute worker with WebGPU
 * (SwiftShader without a GPU). Nothing is mocked.
 */

const servers: HostServer[] = [];
test.afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function host(pages: Record<string, string>): Promise<HostServer> {
  const server = await startHostServer(pages);
  servers.push(server);
  return server;
}

function appOrigin(baseURL: string | undefined): string {
  return new URL(baseURL!).origin;
}

/** The widget's iframe as a Frame (for evaluate) once it has loaded its card. */
async function cardFrame(page: Page): Promise<Frame> {
  await expect(page.frameLocator('iframe[data-spare-cycles]').getByRole('button')).toBeEnabled();
  const frame = await (await page.locator('iframe[data-spare-cycles]').elementHandle())!.contentFrame();
  expect(frame).not.toBeNull();
  return frame!;
}

/** Runs in the card: what touching `localStorage` gives (an error's name when the browser refuses it). */
function storageError(): string {
  try {
    localStorage.setItem('probe', '1');
    return 'none';
  } catch (error) {
    return (error as Error).name;
  }
}

/** Runs in the card: the identity it keeps in its partitioned cookie (browser/volunteer/identity-storage.ts). */
function partitionedIdentity(site: string): { volunteerId: string; token: string } {
  const name = `sc_${`spare-cycles.volunteer.${site}`.replace(/[^A-Za-z0-9_]/g, (c) => `-${c.charCodeAt(0).toString(16)}`)}=`;
  const cookie = document.cookie
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(name));
  if (!cookie) throw new Error(`no identity cookie in ${document.cookie}`);
  return JSON.parse(decodeURIComponent(cookie.slice(name.length)));
}

function hostLog(page: Page): Promise<HostLog> {
  return page.evaluate(() => (window as unknown as { hostLog: HostLog }).hostLog);
}

/** The host page as it is now, minus the widget's iframe, next to the page as served (parsed, not run). */
async function hostPageDiff(page: Page) {
  return page.evaluate(async () => {
    const served = new DOMParser().parseFromString(await (await fetch(location.href)).text(), 'text/html');
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const frame of body.querySelectorAll('iframe[data-spare-cycles]')) frame.remove();
    const log = (window as unknown as { hostLog: HostLog }).hostLog;
    return {
      body: body.innerHTML,
      servedBody: served.body.innerHTML,
      head: document.head.innerHTML,
      servedHead: served.head.innerHTML,
      // Frames appear as window[0], window[1]… (indexed, not globals anyone defined).
      newGlobals: Object.keys(window).filter((k) => !log.globalsBefore.includes(k) && !/^\d+$/.test(k)),
      cookie: document.cookie,
      styleSheets: document.styleSheets.length,
      servedStyleSheets: served.querySelectorAll('style, link[rel=stylesheet]').length,
      frames: document.querySelectorAll('iframe[data-spare-cycles]').length,
    };
  });
}

test('the snippet: nothing before Donate, a job completes through the card, the host hears started/progress/stopped, credit goes to the site, the page is otherwise untouched', async ({
  page,
  request,
  baseURL,
}) => {
  const app = appOrigin(baseURL);
  const site = `blog-${Date.now()}.example`;
  const blog = await host({ '/post': blogPage(app, site) });
  const log = recordRequests(page);
  // The card must not throw on a page where it is a third-party frame (it once did, on localStorage).
  const uncaught: string[] = [];
  page.on('pageerror', (error) => uncaught.push(error.message));
  const registrationBodies: unknown[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/volunteers') {
      registrationBodies.push(r.postDataJSON());
    }
  });

  await page.goto(`${blog.origin}/post`);
  const card = page.frameLocator('iframe[data-spare-cycles]');
  const frame = await cardFrame(page);
  // Where and what the loader inserted: right after its script tag, a titled, unsandboxed iframe.
  const inserted = await page.evaluate(() => {
    const iframe = document.querySelector('iframe[data-spare-cycles]') as HTMLIFrameElement;
    const rect = iframe.getBoundingClientRect();
    return {
      after: (iframe.previousElementSibling as HTMLScriptElement).src,
      src: iframe.src,
      title: iframe.title,
      sandbox: iframe.hasAttribute('sandbox'),
      width: rect.width,
      height: rect.height,
    };
  });
  expect(inserted.after).toBe(`${app}/widget.js`);
  expect(inserted.src).toBe(
    `${app}/embed?site=${encodeURIComponent(site)}&origin=${encodeURIComponent(blog.origin)}`,
  );
  expect(inserted.title).toMatch(/Spare Cycles/);
  expect(inserted.sandbox).toBe(false);
  expect([inserted.width, inserted.height]).toEqual([320, 280]);

  // (a) Consent: the card has been up with work waiting, yet nothing was registered, leased or started.
  const submitter = await registerSubmitter(request);
  const [m, n, k] = [48, 40, 24];
  const { inputs, expected } = matmulCase(m, n, k);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m, n, k, tileRows: 16, tileCols: 16 },
    inputs,
  });
  expect(job.shards).toBe(9);
  await page.waitForTimeout(1500);
  expect(log.leases()).toHaveLength(0);
  expect(log.registrations()).toHaveLength(0);
  expect(page.workers()).toHaveLength(0);
  await expect(card.getByTestId('embed-status')).toHaveText(/Nothing runs until you press Donate/);
  expect((await hostLog(page)).events).toEqual([]);

  // (b) Donate inside the iframe: the job completes, and its product is right.
  await donateInFramedCard(card);
  await expect(card.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(card.getByTestId('embed-status')).toHaveText(/^Donating/, { timeout: 15_000 });
  expect(page.workers()).toHaveLength(1);
  expect(registrationBodies).toEqual([{ site }]);
  const done = await waitForJob(request, job.jobId, 90_000);
  expect(done.progress.verified).toBe(9);
  expectMatmulResult(await downloadResult(request, job.jobId), m, n, k, expected);
  await expect(card.getByTestId('embed-shards')).toHaveText('9');
  await expect(card.getByTestId('embed-credit-verified')).not.toHaveText(/^(—|0)$/, { timeout: 15_000 });

  // (d) The host page heard started, then progress up to the 9 shards and the verified credit.
  const workUnits = (2 * m * n * k) / 1e6;
  await expect
    .poll(async () => (await hostLog(page)).events.at(-1)?.detail, { timeout: 15_000 })
    .toMatchObject({ shardsDone: 9, credit: { verified: expect.closeTo(workUnits, 3) } });
  await card.getByRole('button', { name: 'Stop' }).click();
  await expect(card.getByTestId('embed-status')).toHaveText(/^Stopped/, { timeout: 1000 });
  await expect
    .poll(async () => (await hostLog(page)).events.at(-1)?.type, { timeout: 5000 })
    .toBe('sparecycles:stopped');
  await expect.poll(() => page.workers().length, { timeout: 2000 }).toBe(0);
  const { events } = await hostLog(page);
  expect(events[0]).toMatchObject({ type: 'sparecycles:started', detail: { site }, target: 'SCRIPT' });
  expect(events.at(-1)).toMatchObject({
    type: 'sparecycles:stopped',
    target: 'SCRIPT',
    detail: { site, reason: 'user', shardsDone: 9, credit: { verified: expect.closeTo(workUnits, 3) } },
  });
  const progress = events.slice(1, -1);
  expect(progress.length).toBeGreaterThan(0);
  for (const event of progress) {
    expect(event.type).toBe('sparecycles:progress');
    expect(event.target).toBe('SCRIPT');
    expect(event.detail).toEqual({
      site,
      state: expect.stringMatching(/^(running|paused)$/),
      shardsDone: expect.any(Number),
      shardsPerSecond: expect.any(Number),
      workUnitsPerSecond: expect.any(Number),
      credit: expect.objectContaining({ pending: expect.any(Number), verified: expect.any(Number) }),
    });
  }
  // Throttled: at most one progress message a second (arrival times, so a little slack).
  for (let i = 1; i < progress.length; i++) {
    expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(900);
  }
  // Nothing about the volunteer or the device reaches the host page.
  expect(JSON.stringify(events)).not.toMatch(/volunteerId|token|swiftshader|google/i);

  // (e) A third-party frame: this browser refuses the card `localStorage` (reading it throws), so the
  // card keeps its identity in a partitioned cookie and says the visitor is remembered on this site.
  expect(await frame.evaluate(storageError)).toBe('SecurityError');
  expect(await frame.evaluate(() => window.spareCycles?.storageMode)).toBe('partitioned');
  await expect(card.getByTestId('embed-storage-note')).toHaveText(/remembered on this site only/);

  // (f) The credit is attributed to the site: the card's own identity says so, and so does the
  // leaderboard's sites section, from the credits ledger.
  const { token } = await frame.evaluate(partitionedIdentity, site);
  const me = await (
    await request.get('/api/v1/volunteers/me', { headers: { authorization: `Bearer ${token}` } })
  ).json();
  expect(me).toMatchObject({ site, shardsDone: 9, credit: { verified: expect.closeTo(workUnits, 6) } });
  const board = await page.context().newPage();
  await board.goto('/leaderboard');
  const siteRow = board
    .getByRole('table', { name: 'Top sites by credit donated through the widget' })
    .getByRole('row', { name: new RegExp(site.replaceAll('.', '\\.')) });
  await expect(siteRow).toHaveCount(1);
  expect(Number(await siteRow.getByRole('cell').nth(2).textContent())).toBeCloseTo(workUnits, 2);
  await expect(siteRow.getByRole('cell').nth(3)).toHaveText('1');
  await board.close();

  // (c) After all that, the host page is exactly as served apart from the iframe: same body, same
  // head (no styles added), no new globals, no cookies.
  const diff = await hostPageDiff(page);
  expect(diff.frames).toBe(1);
  expect(diff.body).toBe(diff.servedBody);
  expect(diff.head).toBe(diff.servedHead);
  expect(diff.newGlobals).toEqual([]);
  expect(diff.cookie).toBe('');
  expect(diff.styleSheets).toBe(diff.servedStyleSheets);

  // (g) Back on the same site later: the partitioned cookie brings back the same volunteer and credit.
  const verifiedText = await card.getByTestId('embed-credit-verified').textContent();
  await page.reload();
  await expect(
    page.frameLocator('iframe[data-spare-cycles]').getByTestId('embed-credit-verified'),
  ).toHaveText(verifiedText!, { timeout: 15_000 });
  expect(log.registrations()).toHaveLength(1);
  expect(uncaught).toEqual([]);
});

test('the host re-dispatches only its own card’s messages: not a third origin’s, not its own, not another frame of the app’s', async ({
  page,
  baseURL,
}) => {
  const app = appOrigin(baseURL);
  const third = await host({ '/forger': forgerPage });
  const blog = await host({
    '/post': blogPage(
      app,
      'forgery.example',
      `<iframe name="third" src="${third.origin}/forger" title="A third-party frame"></iframe>
<iframe name="second-card" src="${app}/embed?site=other.example" title="Another card of the app, not the widget's"></iframe>`,
    ),
  });
  await page.goto(`${blog.origin}/post`);
  const card = await cardFrame(page);
  const secondCard = page.frame({ name: 'second-card' })!;
  await expect(secondCard.getByRole('button', { name: 'Donate' })).toBeVisible();

  const forged = (label: string) => ({
    source: 'spare-cycles',
    type: 'progress',
    detail: {
      site: label,
      state: 'running',
      shardsDone: 999,
      shardsPerSecond: 1,
      workUnitsPerSecond: 1,
      credit: null,
    },
  });
  // A third origin, posting to the host page.
  await page.frame({ name: 'third' })!.evaluate(() => (window as unknown as { forge(): void }).forge());
  // The host page itself (its own origin, its own window).
  await page.evaluate((data) => window.postMessage(data, '*'), forged('self'));
  // The app's origin, but another frame than the widget's.
  await secondCard.evaluate((data) => parent.postMessage(data, '*'), forged('second-card'));
  // The widget's own frame, but not one of our message types / not our shape.
  await card.evaluate((data) => parent.postMessage({ ...data, type: 'lease' }, '*'), forged('bad-type'));
  await card.evaluate(() => parent.postMessage('spare-cycles:progress', '*'));
  // The positive control: the card's frame posting a well-formed message is passed on.
  await card.evaluate((data) => parent.postMessage(data, '*'), forged('control'));

  await expect.poll(async () => (await hostLog(page)).messages.length).toBeGreaterThanOrEqual(6);
  const log = await hostLog(page);
  // All six reached the host page's window …
  expect(log.messages.map((m) => m.origin).sort()).toEqual(
    [third.origin, blog.origin, app, app, app, app].sort(),
  );
  // … and only the control became an event.
  expect(log.events.map((e) => [e.type, e.detail.site])).toEqual([['sparecycles:progress', 'control']]);
});

test('framing: /embed may be framed by anyone, every other response by no one', async ({
  page,
  request,
  baseURL,
}) => {
  const app = appOrigin(baseURL);
  for (const path of [
    '/',
    '/jobs',
    '/jobs/new',
    '/leaderboard',
    '/rewards',
    '/lab',
    '/api/v1/health',
    '/api/v1/openapi.json',
    '/widget.js',
    '/embedded',
  ]) {
    const response = await request.get(path);
    expect(response.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(response.headers()['x-frame-options'], path).toBe('DENY');
  }
  for (const path of [
    '/embed',
    '/embed?site=blog.example&origin=https%3A%2F%2Fblog.example',
    '/embed?site=bad site',
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-security-policy'], path).toContain('frame-ancestors *');
    expect(response.headers()['x-frame-options'], path).toBeUndefined();
  }

  // In the browser: another origin frames /embed fine, and /jobs not at all.
  const blog = await host({
    '/frames': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>frames</title></head><body>
<iframe name="embed" src="${app}/embed?site=frames.example" title="card"></iframe>
<iframe name="jobs" src="${app}/jobs" title="jobs"></iframe></body></html>`,
  });
  const jobsResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/jobs');
  await page.goto(`${blog.origin}/frames`);
  expect((await jobsResponse).status()).toBe(200);
  await expect(page.frame({ name: 'embed' })!.getByRole('button', { name: 'Donate' })).toBeVisible();
  await page.waitForTimeout(500);
  const jobs = page.frame({ name: 'jobs' })!;
  expect(jobs.url()).not.toBe(`${app}/jobs`);
  expect(await jobs.evaluate(() => document.querySelector('h1')?.textContent ?? null)).not.toBe('Jobs');
});

test('a bad or missing data-site: the card says what to fix and cannot start', async ({ page, baseURL }) => {
  const app = appOrigin(baseURL);
  const log = recordRequests(page);
  const blog = await host({ '/bad': blogPage(app, 'not a site!'), '/none': blogPage(app, '') });
  await page.goto(`${blog.origin}/bad`);
  const card = page.frameLocator('iframe[data-spare-cycles]');
  await expect(card.getByTestId('embed-site-error')).toHaveText(
    'This widget cannot donate: data-site may contain letters, digits, ".", "_", ":" and "-" only.',
  );
  await expect(card.getByTestId('embed-site-error')).toHaveAttribute('role', 'alert');
  await expect(card.getByRole('button')).toHaveCount(0);

  await page.goto(`${blog.origin}/none`);
  await expect(card.getByTestId('embed-site-error')).toHaveText(
    "This widget cannot donate: data-site is missing: set it to your site's name.",
  );
  await expect(card.getByRole('button')).toHaveCount(0);
  await page.waitForTimeout(500);
  expect(log.registrations()).toHaveLength(0);
  expect(log.leases()).toHaveLength(0);
});

test('the card is labelled and usable with the keyboard alone', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 280 });
  await page.goto('/embed?site=keyboard.example');
  const donate = page.getByRole('button', { name: 'Donate' });
  await expect(donate).toBeEnabled();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: /Spare Cycles/ })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(donate).toBeFocused();
  await page.keyboard.press('Tab');
  const slider = page.getByRole('slider', { name: 'GPU use' });
  await expect(slider).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('throttle-value')).toHaveText('10 %');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('throttle-value')).toHaveText('15 %');
  // The hint is hidden for lack of room but still describes the slider.
  await expect(slider).toHaveAccessibleDescription(/share of time your GPU computes/);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeFocused();
  await expect(page.getByTestId('embed-status')).toHaveText(/^Donating/, { timeout: 15_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('embed-status')).toHaveText(/^Stopped/);
  await expect(donate).toBeFocused();
});

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    what,
  ).toEqual([]);
}

test('no serious or critical axe violation on /embed: idle, donating, with a bad site, light and dark', async ({
  page,
}) => {
  await page.setViewportSize({ width: 320, height: 280 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto('/embed?site=axe.example');
    await expect(page.getByRole('button', { name: 'Donate' })).toBeEnabled();
    await expectNoSeriousViolations(page, `/embed idle (${colorScheme})`);
    await page.getByRole('button', { name: 'Donate' }).click();
    await expect(page.getByTestId('embed-status')).toHaveText(/^Donating/, { timeout: 15_000 });
    await expectNoSeriousViolations(page, `/embed donating (${colorScheme})`);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.goto('/embed?site=bad%20site');
    await expect(page.getByTestId('embed-site-error')).toBeVisible();
    await expectNoSeriousViolations(page, `/embed bad site (${colorScheme})`);
  }
});

/** The card inside its frame needs no scrollbar either way. */
async function expectNoScrollbars(frame: Frame, what: string) {
  const size = await frame.evaluate(() => {
    const el = document.documentElement;
    return { sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight };
  });
  expect(size.sw, `${what}: width`).toBeLessThanOrEqual(size.cw);
  expect(size.sh, `${what}: height`).toBeLessThanOrEqual(size.ch);
}

test('screenshots: the widget on a host page at desktop and phone widths, and /embed light and dark', async ({
  page,
  request,
  baseURL,
}) => {
  const app = appOrigin(baseURL);
  const submitter = await registerSubmitter(request);
  // Plenty of small shards: each width donates under its own site (a new identity), and the test
  // stops long before the job is done.
  const { inputs } = matmulCase(512, 512, 64);
  const job = await submitJob(request, submitter, {
    kernel: 'matmul',
    params: { m: 512, n: 512, k: 64, tileRows: 16, tileCols: 16 },
    inputs,
  });
  try {
    const blog = await host({
      '/desktop': blogPage(app, 'desktop.example'),
      '/phone': blogPage(app, 'phone.example'),
      '/narrow': blogPage(app, 'a-rather-long-site-name-for-a-narrow-page.example'),
    });
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
      ['narrow', { width: 300, height: 640 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(`${blog.origin}/${name}`);
      const frame = await cardFrame(page);
      await expectNoScrollbars(frame, `${name} idle`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.screenshot({ path: `test-results/screenshots/widget-${name}.png`, fullPage: true });
      if (name === 'narrow') continue;
      await donateInFramedCard(frame);
      await expect(frame.getByTestId('embed-shards')).not.toHaveText('0', { timeout: 60_000 });
      await page.waitForTimeout(2000);
      await expectNoScrollbars(frame, `${name} donating`);
      await page.screenshot({ path: `test-results/screenshots/widget-${name}-running.png`, fullPage: true });
      await frame.getByRole('button', { name: 'Stop' }).click();
      await expect(frame.getByTestId('embed-status')).toHaveText(/^Stopped/);
    }

    // The card alone, at the size the loader gives it.
    await page.setViewportSize({ width: 320, height: 280 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto('/embed?site=screenshots.example');
      await expect(page.getByRole('button', { name: 'Donate' })).toBeEnabled();
      await expectNoScrollbars(page.mainFrame(), `/embed ${colorScheme}`);
      await page.screenshot({ path: `test-results/screenshots/embed-${colorScheme}.png` });
    }
    await page.goto('/embed?site=bad%20site');
    await expectNoScrollbars(page.mainFrame(), '/embed bad site');
    await page.screenshot({ path: 'test-results/screenshots/embed-bad-site.png' });
  } finally {
    await cancelJob(request, submitter, job.jobId);
  }
});
