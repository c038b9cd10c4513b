import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Locator } from '@playwright/test';

/**
 * Stand-ins for the sites that embed the widget: a bare `node:http` server on 127.0.0.1 at a port of
 * its own, addressed as `http://localhost:PORT` while the app is `http://127.0.0.1:PORT`. So the host
 * page is another *site* (another registrable host), not only another origin: the card is a
 * third-party frame, and the browser treats its storage as it would on a real embed (Playwright's
 * contexts block third-party storage, as strict browsers do). Both are secure contexts, so WebGPU
 * exists in the card. It serves fixed HTML by path; nothing else.
 */
export interface HostServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * `sameSite` addresses the host as 127.0.0.1 (another port, the same site as the app) — only for
 * the one check that Chromium cannot make across sites (see widget-consent.spec.ts).
 */
export async function startHostServer(
  pages: Record<string, string>,
  options: { sameSite?: boolean } = {},
): Promise<HostServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const html = pages[path];
    if (html === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.sameSite ? '127.0.0.1' : 'localhost'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything the host page saw, kept by its own inline script (`window.hostLog`). */
export interface HostLog {
  /** `Object.keys(window)` before the widget's script ran. */
  globalsBefore: string[];
  /** The `sparecycles:*` events heard on window, with their target's tag name. */
  events: { type: string; detail: any; target: string; at: number }[];
  /** Every `message` event the page received (the loader's filter is checked against these). */
  messages: { origin: string; data: any }[];
}

/**
 * A blog post with some content and the one-line snippet in the middle of it, as a site owner would
 * paste it. The inline script first notes the page's globals (before the async widget runs), then
 * listens for the documented events on window (they bubble from the script tag) and, separately,
 * for every raw `message`.
 */
export function blogPage(appOrigin: string, site: string, extraBody = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A host blog</title>
<link rel="icon" href="data:,">
<style>body { font: 16px/1.5 Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; } .note { color: #555; }</style>
<script>
  window.hostLog = { globalsBefore: [], events: [], messages: [] };
  hostLog.globalsBefore = Object.keys(window);
  for (const type of ['started', 'progress', 'stopped']) {
    window.addEventListener('sparecycles:' + type, (event) => {
      hostLog.events.push({ type: event.type, detail: event.detail, target: event.target.tagName || 'window', at: Date.now() });
    });
  }
  window.addEventListener('message', (event) => {
    hostLog.messages.push({ origin: event.origin, data: event.data });
  });
</script>
</head>
<body>
<h1>Why we donate our readers' spare GPU time</h1>
<p>This post is about volunteer computing. <a href="#more">Read more</a> below.</p>
<p class="note">Press Donate in the card to help.</p>
<script src="${appOrigin}/widget.js" data-site="${site}" async></script>
<p id="more">The rest of the post continues here, <em>unchanged</em> by the widget.</p>
<ul><li>one</li><li>two</li></ul>
${extraBody}
</body>
</html>`;
}

/**
 * A page on a third origin that, framed by the host page, posts a message dressed as the widget's
 * `progress` to its parent when told to (`window.forge()`).
 */
export const forgerPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>forger</title></head>
<body><p>third party</p>
<script>
  window.forge = () => parent.postMessage({ source: 'spare-cycles', type: 'progress',
    detail: { site: 'forged', state: 'running', shardsDone: 999, shardsPerSecond: 1, workUnitsPerSecond: 1, credit: null } }, '*');
</script>
</body></html>`;

/**
 * Presses Donate in a card framed by another site: the press, then — after more than a double
 * click's moment — the confirming press the card asks for there (app/embed/_components/use-visible-consent.ts).
 */
export async function donateInFramedCard(card: {
  getByRole(role: 'button', options: { name: string }): Locator;
}): Promise<void> {
  await card.getByRole('button', { name: 'Donate' }).click();
  const confirm = card.getByRole('button', { name: 'Confirm: donate' });
  await expect(confirm).toBeVisible();
  await new Promise((resolve) => setTimeout(resolve, 600));
  await confirm.click();
}
