import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { networkPrefix } from '@/lib/coordinator/identity/network-prefix';
import { resetEnvCache } from '@/lib/env';
import { clientAddress } from '@/lib/http/client-address';
// @ts-expect-error plain JavaScript module of the production server
import { clientAddressHeader, withClientAddress } from './client-address.mjs';

const secret = 'a-per-process-secret-for-this-test';
let server: Server | undefined;

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
  delete process.env.CLIENT_ADDRESS_SECRET;
  resetEnvCache();
});

/** A real HTTP server wrapped as the production server wraps Next; answers the prefix the routes would see. */
async function serve(trustedHeader?: string): Promise<string> {
  process.env.CLIENT_ADDRESS_SECRET = secret;
  resetEnvCache();
  server = createServer(
    withClientAddress(
      (req: IncomingMessage, res: import('node:http').ServerResponse) => {
        const request = new Request('http://x/', {
          headers: Object.entries(req.headers).map(([k, v]) => [k, String(v)]) as [string, string][],
        });
        const address = clientAddress(request);
        res.end(JSON.stringify({ address, prefix: networkPrefix(address) }));
      },
      { secret, trustedHeader },
    ),
  );
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

describe('the production server decides the client address', () => {
  it('ignores a client-sent X-Forwarded-For and private header: the socket decides', async () => {
    const url = await serve();
    const r = await fetch(url, {
      headers: {
        'x-forwarded-for': '198.51.100.7',
        'x-real-ip': '198.51.100.8',
        [clientAddressHeader]: `${secret} 198.51.100.9`,
      },
    });
    expect(await r.json()).toEqual({ address: '127.0.0.1', prefix: null });
  });

  it('with TRUSTED_PROXY_HEADER takes only that header, its rightmost entry', async () => {
    const url = await serve('x-forwarded-for');
    const spoofedThenProxy = await fetch(url, {
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.20' },
    });
    expect(await spoofedThenProxy.json()).toEqual({ address: '203.0.113.20', prefix: 'v4:203.0.113' });
    const missing = await fetch(url, { headers: { 'x-real-ip': '198.51.100.8' } });
    expect(await missing.json()).toEqual({ address: 'unknown', prefix: 'unknown' });
  });

  it('route handlers ignore a private header without the server secret', () => {
    process.env.CLIENT_ADDRESS_SECRET = secret;
    resetEnvCache();
    const forged = new Request('http://x/', {
      headers: { [clientAddressHeader]: 'guessed 198.51.100.9', 'x-forwarded-for': '198.51.100.9' },
    });
    expect(clientAddress(forged)).toBeNull();
    delete process.env.CLIENT_ADDRESS_SECRET;
    resetEnvCache();
    // No server secret at all (plain `next start`, tests): no address, whatever the client sends.
    expect(
      clientAddress(new Request('http://x/', { headers: { [clientAddressHeader]: ' 198.51.100.9' } })),
    ).toBeNull();
  });
});
