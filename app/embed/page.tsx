import type { Metadata } from 'next';
import { parseEmbedSite, parseTargetOrigin } from '@/browser/embed/embed-params';
import { EmbedCard, EmbedSiteError } from './_components/embed-card';

export const metadata: Metadata = {
  title: 'Donate spare GPU time — Spare Cycles',
  robots: { index: false },
};

/**
 * `/embed?site=SITE&origin=HOST_PAGE_ORIGIN`: the Donate card that `public/widget.js` puts in an
 * iframe on other sites (docs/embed.md). The only page that may be framed (next.config.js). The query
 * comes from whoever frames it: a bad `site` shows what to fix and offers nothing to start, and a
 * missing or bad `origin` only means no progress messages go to the host page.
 */
export default async function EmbedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const site = parseEmbedSite(query.site);
  if (!site.ok) return <EmbedSiteError message={site.message} />;
  return <EmbedCard site={site.site} targetOrigin={parseTargetOrigin(query.origin)} />;
}
