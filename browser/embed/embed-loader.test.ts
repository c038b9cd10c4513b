import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptWidgetMessage, type IncomingMessage, widgetMessage } from './embed-messages';

/*
 * The real public/widget.js, run in a Node `vm` context with a hand-made stand-in for the few DOM
 * pieces it touches (no jsdom here). The browser behaviour end to end — a real iframe, real
 * cross-origin messages — is tested in e2e/widget.spec.ts; this pins the loader's rules and size.
 */

const source = readFileSync(fileURLToPath(new URL('../../public/widget.js', import.meta.url)), 'utf8');
const HOST = 'https://cycles.example';
const PAGE = 'https://blog.example';

class FakeEvent {
  constructor(
    readonly type: string,
    readonly init: { bubbles?: boolean; detail?: unknown },
  ) {}
  get detail() {
    return this.init.detail;
  }
}

interface FakeElement {
  tagName: string;
  src: string;
  attributes: Map<string, string>;
  style: { cssText: string };
  isConnected: boolean;
  nextElementSibling: FakeElement | null;
  /** The page has no text nodes, so the next node is the next element. */
  nextSibling: FakeElement | null;
  contentWindow: object | null;
  dispatched: FakeEvent[];
  title?: string;
  referrerPolicy?: string;
  parentNode: { insertBefore(node: FakeElement, before: FakeElement | null): void } | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  hasAttribute(name: string): boolean;
  dispatchEvent(event: FakeEvent): boolean;
}

function element(tagName: string, attrs: Record<string, string> = {}): FakeElement {
  const attributes = new Map(Object.entries(attrs));
  const el: FakeElement = {
    tagName,
    src: attrs.src ?? '',
    attributes,
    style: { cssText: '' },
    isConnected: true,
    nextElementSibling: null,
    nextSibling: null,
    contentWindow: null,
    dispatched: [],
    parentNode: null,
    getAttribute: (name) => attributes.get(name) ?? null,
    setAttribute: (name, value) => void attributes.set(name, value),
    hasAttribute: (name) => attributes.has(name),
    dispatchEvent: (event) => {
      el.dispatched.push(event);
      return true;
    },
  };
  return el;
}

/** A page holding `scripts` in one parent; runs the loader with `current` as document.currentScript. */
function loadPage(scripts: FakeElement[], current: FakeElement | null) {
  const children: FakeElement[] = [...scripts];
  const link = () => {
    for (let i = 0; i < children.length; i++) {
      children[i]!.nextElementSibling = children[i + 1] ?? null;
      children[i]!.nextSibling = children[i + 1] ?? null;
    }
  };
  const parent = {
    insertBefore(node: FakeElement, before: FakeElement | null) {
      children.splice(before ? children.indexOf(before) : children.length, 0, node);
      link();
      // The browser creates the frame's window on insertion.
      node.contentWindow = { name: 'card window' };
    },
  };
  for (const s of scripts) s.parentNode = parent;
  link();
  const listeners: ((event: IncomingMessage) => void)[] = [];
  const windowEvents: FakeEvent[] = [];
  const document = {
    currentScript: current,
    baseURI: `${PAGE}/post/42?draft=1`,
    getElementsByTagName: (name: string) => children.filter((c) => c.tagName === name.toUpperCase()),
    createElement: (name: string) => element(name.toUpperCase()),
  };
  const context = createContext({
    document,
    location: { origin: PAGE, href: `${PAGE}/post/42?draft=1` },
    URL,
    CustomEvent: FakeEvent,
    addEventListener: (type: string, listener: (event: IncomingMessage) => void) => {
      if (type === 'message') listeners.push(listener);
    },
    dispatchEvent: (event: FakeEvent) => windowEvents.push(event),
  });
  runInContext('globalThis.window = globalThis;', context);
  const globalsBefore = Object.keys(context).sort();
  runInContext(source, context);
  const frames = children.filter((c) => c.tagName === 'IFRAME');
  return {
    children,
    frames,
    windowEvents,
    newGlobals: Object.keys(context)
      .sort()
      .filter((k) => !globalsBefore.includes(k)),
    deliver: (event: IncomingMessage) => {
      for (const listener of listeners) listener(event);
    },
    listenerCount: () => listeners.length,
  };
}

describe('public/widget.js', () => {
  it('is at most 3 KB gzipped', () => {
    const gzipped = gzipSync(readFileSync(fileURLToPath(new URL('../../public/widget.js', import.meta.url))));
    expect(gzipped.length).toBeLessThanOrEqual(3072);
  });

  it('inserts one iframe of HOST/embed right after its script tag, and defines no global', () => {
    const script = element('SCRIPT', { src: `${HOST}/widget.js`, 'data-site': 'blog.example' });
    const after = element('P');
    const page = loadPage([script, after], script);
    expect(page.children.map((c) => c.tagName)).toEqual(['SCRIPT', 'IFRAME', 'P']);
    const [frame] = page.frames;
    const url = new URL(frame!.src);
    expect(url.origin).toBe(HOST);
    expect(url.pathname).toBe('/embed');
    expect(url.searchParams.get('site')).toBe('blog.example');
    // Only the page's origin travels, never its path or query.
    expect(url.searchParams.get('origin')).toBe(PAGE);
    expect(frame!.src).not.toContain('post');
    expect(frame!.title).toMatch(/Spare Cycles/);
    expect(frame!.referrerPolicy).toBe('no-referrer');
    expect(frame!.hasAttribute('sandbox')).toBe(false);
    expect(frame!.style.cssText).toContain('width:320px');
    expect(frame!.style.cssText).toContain('height:280px');
    expect(page.newGlobals).toEqual([]);
    expect(page.listenerCount()).toBe(1);
  });

  it('encodes the site as given (the card validates it)', () => {
    const script = element('SCRIPT', { src: `${HOST}/widget.js`, 'data-site': 'a b&origin=https://evil' });
    const [frame] = loadPage([script], script).frames;
    const url = new URL(frame!.src);
    expect(url.searchParams.get('site')).toBe('a b&origin=https://evil');
    expect(url.searchParams.getAll('origin')).toEqual([PAGE]);
  });

  it('without currentScript, takes the last loader tag that has no card yet', () => {
    const first = element('SCRIPT', { src: `${HOST}/widget.js`, 'data-site': 'one' });
    const other = element('SCRIPT', { src: `${HOST}/analytics.js` });
    const second = element('SCRIPT', { src: `${HOST}/widget.js?v=2`, 'data-site': 'two' });
    const page = loadPage([first, other, second], null);
    expect(page.children.map((c) => c.tagName)).toEqual(['SCRIPT', 'SCRIPT', 'SCRIPT', 'IFRAME']);
    expect(new URL(page.frames[0]!.src).searchParams.get('site')).toBe('two');
  });

  it('re-dispatches exactly the messages acceptWidgetMessage accepts, as bubbling sparecycles:* events', () => {
    const script = element('SCRIPT', { src: `${HOST}/widget.js`, 'data-site': 'blog.example' });
    const page = loadPage([script], script);
    const card = page.frames[0]!.contentWindow!;
    const progress = widgetMessage('progress', {
      site: 'blog.example',
      state: 'running',
      shardsDone: 3,
      shardsPerSecond: 1.5,
      workUnitsPerSecond: 0.25,
      credit: { pending: 1, verified: 2 },
    });
    const otherFrame = { name: 'another frame of the same origin' };
    const cases: [string, IncomingMessage][] = [
      ['the card', { origin: HOST, source: card, data: progress }],
      ['started', { origin: HOST, source: card, data: widgetMessage('started', { site: 'blog.example' }) }],
      [
        'stopped',
        {
          origin: HOST,
          source: card,
          data: widgetMessage('stopped', { site: 's', reason: 'user', shardsDone: 0, credit: null }),
        },
      ],
      ['a foreign origin', { origin: 'https://evil.example', source: card, data: progress }],
      ['the host page itself', { origin: PAGE, source: {}, data: progress }],
      ['another frame of HOST', { origin: HOST, source: otherFrame, data: progress }],
      ['no source', { origin: HOST, source: null, data: progress }],
      ['HOST with a port', { origin: `${HOST}:8443`, source: card, data: progress }],
      ['someone else’s message', { origin: HOST, source: card, data: { type: 'progress', detail: {} } }],
      ['an unknown type', { origin: HOST, source: card, data: { ...progress, type: 'lease' } }],
      ['no detail', { origin: HOST, source: card, data: { source: 'spare-cycles', type: 'progress' } }],
      ['a string', { origin: HOST, source: card, data: 'spare-cycles:progress' }],
      ['null', { origin: HOST, source: card, data: null }],
    ];
    for (const [what, event] of cases) {
      const before = script.dispatched.length;
      page.deliver(event);
      const accepted = acceptWidgetMessage(event, { origin: HOST, window: card });
      const dispatched = script.dispatched.slice(before);
      expect(dispatched.length, what).toBe(accepted ? 1 : 0);
      if (accepted) {
        expect(dispatched[0]!.type, what).toBe(`sparecycles:${accepted.type}`);
        expect(dispatched[0]!.detail, what).toEqual(accepted.detail);
        expect(dispatched[0]!.init.bubbles, what).toBe(true);
      }
    }
    expect(script.dispatched.map((e) => e.type)).toEqual([
      'sparecycles:progress',
      'sparecycles:started',
      'sparecycles:stopped',
    ]);
    expect(page.windowEvents).toEqual([]);
  });

  it('dispatches on window once its script tag left the document', () => {
    const script = element('SCRIPT', { src: `${HOST}/widget.js`, 'data-site': 'blog.example' });
    const page = loadPage([script], script);
    script.isConnected = false;
    page.deliver({
      origin: HOST,
      source: page.frames[0]!.contentWindow,
      data: widgetMessage('started', { site: 'blog.example' }),
    });
    expect(script.dispatched).toEqual([]);
    expect(page.windowEvents.map((e) => e.type)).toEqual(['sparecycles:started']);
  });
});

describe('acceptWidgetMessage', () => {
  const card = {};
  const message = widgetMessage('started', { site: 's' });
  it('accepts only the widget origin and window', () => {
    expect(
      acceptWidgetMessage({ origin: HOST, source: card, data: message }, { origin: HOST, window: card }),
    ).toBe(message);
    expect(
      acceptWidgetMessage({ origin: PAGE, source: card, data: message }, { origin: HOST, window: card }),
    ).toBeNull();
    expect(
      acceptWidgetMessage({ origin: HOST, source: {}, data: message }, { origin: HOST, window: card }),
    ).toBeNull();
    // A frame not yet attached has no window: nothing can be from it.
    expect(
      acceptWidgetMessage({ origin: HOST, source: null, data: message }, { origin: HOST, window: null }),
    ).toBeNull();
  });
});
