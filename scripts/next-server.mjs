// The production server `npm start` runs (instead of `next start`): Next.js behind a few lines that
// decide the client's address once, where it can be trusted.
//
// Next.js fills `x-forwarded-for` from the socket only when the client did not send one, so that
// header is whatever a client wants. Here every request gets the private `x-spare-cycles-client`
// header, `<secret> <address>`, after any client-sent copy is deleted: the address is the TCP peer,
// or — when TRUSTED_PROXY_HEADER is set — only that header (scripts/client-address.mjs). The secret
// is random per process and reaches the route handlers through the environment, so a forged header
// is recognised even if this server is bypassed (lib/http/client-address.ts).
//
// Usage: node scripts/next-server.mjs <hostname> <port>
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import next from 'next';
import { withClientAddress } from './client-address.mjs';

const [hostname = '127.0.0.1', portText = process.env.PORT ?? '3000'] = process.argv.slice(2);
const port = Number(portText);
const secret = randomBytes(24).toString('base64url');
process.env.CLIENT_ADDRESS_SECRET = secret;
const trustedHeader = process.env.TRUSTED_PROXY_HEADER?.trim().toLowerCase() || undefined;

const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();
const server = createServer(withClientAddress(handle, { secret, trustedHeader }));
// Keep idle connections longer than clients and load balancers do (commonly 60 s): with Node's
// default of 5 s, a client reusing a connection just as the server closes it gets ECONNRESET.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  console.log(`▲ Next.js production server on http://${hostname}:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
