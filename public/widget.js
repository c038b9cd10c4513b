/*
 * Spare Cycles widget loader — docs/embed.md.
 *   <script src="https://HOST/widget.js" data-site="SITE" async></script>
 * Inserts, right after this script tag, an iframe of HOST/embed (the Donate card; all work and
 * storage happen in there, on HOST's origin). Touches nothing else on the page: no globals, no
 * cookies, no styles but the iframe's own. Re-dispatches the card's messages as DOM events on this
 * script tag, bubbling to document and window: sparecycles:started, sparecycles:progress,
 * sparecycles:stopped (the message's detail as event.detail) — only messages whose origin is HOST
 * and whose source is this iframe's window (browser/embed/embed-messages.ts, acceptWidgetMessage).
 */
(() => {
  const doc = document;
  const isLoader = (el) => /\/widget\.js(?:[?#]|$)/.test(el.src || '');
  const isOurFrame = (el) => el && el.tagName === 'IFRAME' && el.hasAttribute('data-spare-cycles');
  let script = doc.currentScript;
  if (!script) {
    // Without currentScript (an old browser, a script injected by a tag manager): the last loader
    // tag on the page that has no card after it yet.
    const scripts = doc.getElementsByTagName('script');
    for (let i = scripts.length - 1; i >= 0 && !script; i--) {
      const candidate = scripts[i];
      if (isLoader(candidate) && !isOurFrame(candidate.nextElementSibling)) script = candidate;
    }
  }
  if (!script?.parentNode) return;

  let host;
  try {
    host = new URL(script.src, doc.baseURI).origin;
  } catch {
    return;
  }
  const types = ['started', 'progress', 'stopped'];
  const frame = doc.createElement('iframe');
  frame.src = `${host}/embed?site=${encodeURIComponent(script.getAttribute('data-site') || '')}&origin=${encodeURIComponent(location.origin)}`;
  frame.title = 'Spare Cycles: donate spare GPU time';
  frame.setAttribute('data-spare-cycles', '');
  // The host page's address (path, query) stays here; the card learns only its origin, from the URL.
  frame.referrerPolicy = 'no-referrer';
  frame.style.cssText = 'display:block;width:320px;max-width:100%;height:280px;border:0;border-radius:12px';
  script.parentNode.insertBefore(frame, script.nextSibling);

  addEventListener('message', (event) => {
    // Only the card itself: its origin and its window (not another frame, not the page, not a
    // page the iframe was navigated to).
    if (event.origin !== host || !frame.contentWindow || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || data.source !== 'spare-cycles') return;
    if (types.indexOf(data.type) < 0 || !data.detail || typeof data.detail !== 'object') return;
    const target = script.isConnected ? script : window;
    target.dispatchEvent(new CustomEvent(`sparecycles:${data.type}`, { bubbles: true, detail: data.detail }));
  });
})();
