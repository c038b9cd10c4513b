import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { requestIdFrom } from './request-id';

describe('requestIdFrom', () => {
  it("keeps the client's plausible id and replaces anything else with a UUID", () => {
    expect(requestIdFrom('my-request-1234')).toBe('my-request-1234');
    for (const sent of [null, '', 'short', 'a b c d e f g h', 'x'.repeat(65), 'id\r\nx-evil: 1']) {
      expect(requestIdFrom(sent)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('proxy.ts X-Request-Id', () => {
  const get = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    proxy(new NextRequest(`http://127.0.0.1:3000${path}`, init));

  it('answers its own API errors with one (a wrong method, bad percent-encoding)', () => {
    const wrongMethod = get('/api/v1/health', { method: 'PATCH' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const sent = get('/api/v1/jobs/%E0%A4%A', { headers: { 'x-request-id': 'my-request-1234' } });
    expect(sent.status).toBe(400);
    expect(sent.headers.get('x-request-id')).toBe('my-request-1234');
  });

  it('passes the id on to every API route, wrapped or not (health), and answers with the same', () => {
    const response = get('/api/v1/health');
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // NextResponse.next({request: {headers}}) hands overridden request headers on like this.
    expect(response.headers.get('x-middleware-request-x-request-id')).toBe(id);
    const kept = get('/api/v1/config', { headers: { 'x-request-id': 'my-request-1234' } });
    expect(kept.headers.get('x-middleware-request-x-request-id')).toBe('my-request-1234');
    expect(kept.headers.get('x-request-id')).toBe('my-request-1234');
  });
});
