import { registerVolunteerRequestSchema } from '@/lib/protocol/volunteers';

/**
 * The two query parameters of `/embed` (`?site=SITE&origin=HOST_PAGE_ORIGIN`), parsed the same way on
 * the server (to render the card) and in tests. Both come from whoever frames the page, so neither is
 * trusted: `site` only names where credit is attributed, `origin` only says where to post progress.
 */

export type EmbedSite = { ok: true; site: string } | { ok: false; message: string };

/**
 * The widget's `data-site`, checked with the very rule `POST /api/v1/volunteers` applies to `site`,
 * so a card that starts never fails registration over its site. A missing site is an error here
 * (the API treats it as optional): a widget exists to attribute work to a site.
 */
export function parseEmbedSite(value: string | string[] | undefined | null): EmbedSite {
  if (Array.isArray(value)) return { ok: false, message: 'Give data-site once.' };
  if (value === undefined || value === null || value.trim() === '') {
    return { ok: false, message: "data-site is missing: set it to your site's name." };
  }
  const parsed = registerVolunteerRequestSchema.safeParse({ site: value });
  if (!parsed.success || parsed.data.site === undefined) {
    const reason = parsed.success ? 'is not valid' : (parsed.error.issues[0]?.message ?? 'is not valid');
    return { ok: false, message: `data-site ${reason}.` };
  }
  return { ok: true, site: parsed.data.site };
}

/**
 * The host page's origin as the exact `targetOrigin` for `postMessage`, or null (then the card posts
 * nothing). Only a serialised http(s) origin is accepted — `https://example.org`, no path, no
 * trailing slash — never `*` or `null` (an opaque origin: a sandboxed or `file:` page).
 */
export function parseTargetOrigin(value: string | string[] | undefined | null): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // `origin` serialises scheme://host[:port]; anything else in the value (a path, credentials,
  // a query, different case) makes it differ, and an exact origin is what postMessage compares.
  return url.origin === value ? value : null;
}
