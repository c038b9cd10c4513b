// How the production server (scripts/next-server.mjs) decides a request's client address. Plain
// JavaScript so the server needs no TypeScript loader; tested by scripts/client-address.test.ts.

/** The private header the route handlers read (lib/http/client-address.ts). */
export const clientAddressHeader = 'x-spare-cycles-client';

/**
 * The client address of a Node request: the TCP peer, or — when `trustedHeader` names the header a
 * reverse proxy sets — only that header's rightmost entry (`unknown` when it is missing or empty).
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {string | undefined} trustedHeader lower-case header name, or undefined
 * @returns {string}
 */
export function addressOf(req, trustedHeader) {
  if (trustedHeader) {
    const raw = req.headers[trustedHeader];
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    const last = value?.split(',').pop()?.trim();
    return last || 'unknown';
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Wraps a request listener: deletes any client-sent copy of the private header, then writes
 * `<secret> <address>` into it before `handle` sees the request.
 *
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown} handle
 * @param {{ secret: string, trustedHeader?: string }} options
 */
export function withClientAddress(handle, options) {
  return (req, res) => {
    delete req.headers[clientAddressHeader];
    req.headers[clientAddressHeader] = `${options.secret} ${addressOf(req, options.trustedHeader)}`;
    return handle(req, res);
  };
}
