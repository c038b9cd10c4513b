/**
 * The authority (`host[:port]`) a Sign-In with Ethereum message must name to sign in here, and this
 * server's origin: PUBLIC_URL's when set (behind a proxy), else the `Host` the browser sent the
 * request to — not `request.url`, whose host is how Next.js sees itself (`localhost`), not how the
 * visitor reached it. Binding the message to our host is what stops a phishing site from reusing a
 * signature made for it.
 *
 * @example
 * siweOrigin({ url: 'http://localhost:3000/api/v1/auth/verify', host: '127.0.0.1:3000' });
 * // { domain: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }
 */
export function siweOrigin(
  request: { url: string; host: string | null },
  publicUrl?: string,
): { domain: string; origin: string } {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return { domain: url.host, origin: url.origin };
  }
  const url = new URL(request.url);
  const domain = request.host?.trim() || url.host;
  return { domain, origin: `${url.protocol}//${domain}` };
}
