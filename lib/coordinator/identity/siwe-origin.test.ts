import { describe, expect, it } from 'vitest';
import { siweOrigin } from './siwe-origin';

describe('siweOrigin', () => {
  it('uses the Host the browser sent, not the URL the server sees itself under', () => {
    expect(siweOrigin({ url: 'http://localhost:3600/api/v1/auth/nonce', host: '127.0.0.1:3600' })).toEqual({
      domain: '127.0.0.1:3600',
      origin: 'http://127.0.0.1:3600',
    });
  });

  it('falls back to the request URL without a Host header', () => {
    expect(siweOrigin({ url: 'http://127.0.0.1:3000/x', host: null })).toEqual({
      domain: '127.0.0.1:3000',
      origin: 'http://127.0.0.1:3000',
    });
  });

  it('prefers PUBLIC_URL (a coordinator behind a proxy)', () => {
    expect(
      siweOrigin({ url: 'http://10.0.0.5:3000/x', host: '10.0.0.5:3000' }, 'https://cycles.example.org'),
    ).toEqual({ domain: 'cycles.example.org', origin: 'https://cycles.example.org' });
  });
});
