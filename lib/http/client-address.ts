import { env } from '../env';

/**
 * The private header in which the production server (`scripts/next-server.mjs`) hands the client's
 * address to the route handlers: `<per-process secret> <address>`. The server deletes any copy a
 * client sent before writing its own, and the secret proves the value came from it: a server
 * started without it (plain `next start`, `next dev`, route handlers called by tests) has no
 * client address at all, and the value of a forged header is ignored.
 */
export const clientAddressHeader = 'x-spare-cycles-client';

/**
 * The client's address as our server saw it (the socket, or TRUSTED_PROXY_HEADER behind a proxy),
 * or null when it is unknown. Never reads `X-Forwarded-For` itself: Next.js fills that header from
 * the client's own copy when there is one.
 */
export function clientAddress(request: Request): string | null {
  const secret = env().CLIENT_ADDRESS_SECRET;
  const value = request.headers.get(clientAddressHeader);
  if (!secret || !value) return null;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== secret) return null;
  return value.slice(space + 1).trim() || null;
}
