import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, malformedApiPath } from './security-headers';

describe('contentSecurityPolicy', () => {
  it('lets pages run only their own scripts and the nonce’d inline ones, wasm but no eval', () => {
    const csp = contentSecurityPolicy({ kind: 'page', pathname: '/', nonce: 'abc' });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'");
    expect(csp).not.toContain(" 'unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('lets any site frame /embed only', () => {
    expect(contentSecurityPolicy({ kind: 'page', pathname: '/embed' })).toContain('frame-ancestors *');
    expect(contentSecurityPolicy({ kind: 'page', pathname: '/embedded' })).toContain(
      "frame-ancestors 'none'",
    );
  });

  it('allows eval in development only (React’s dev tooling needs it)', () => {
    expect(contentSecurityPolicy({ kind: 'page', pathname: '/', development: true })).toContain(
      "'unsafe-eval'",
    );
  });
});

describe('malformedApiPath', () => {
  it('finds bad percent-encoding and dot segments, raw or encoded', () => {
    expect(malformedApiPath('/api/v1/blobs/%E0%A4%A')).toBe('encoding');
    expect(malformedApiPath('/api/v1/blobs/..')).toBe('dot_segment');
    expect(malformedApiPath('/api/v1/jobs/%2e%2e')).toBe('dot_segment');
    expect(malformedApiPath('/api/v1/jobs/%2E')).toBe('dot_segment');
    expect(malformedApiPath('/api/v1/jobs/a..b')).toBeNull();
    expect(malformedApiPath('/api/v1/jobs/123')).toBeNull();
  });
});

describe('allowedMethods', () => {
  it('matches routes with their dynamic segments, and nothing else', async () => {
    const { allowedMethods } = await import('./api-routes');
    expect(allowedMethods('/api/v1/jobs')).toEqual(['GET', 'POST', 'HEAD', 'OPTIONS']);
    expect(allowedMethods('/api/v1/jobs/abc/result')).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(allowedMethods('/api/v1/leases/x/result')).toEqual(['PUT', 'OPTIONS']);
    expect(allowedMethods('/api/v1/openapi-json')).toBeNull();
    expect(allowedMethods('/api/v1/nope')).toBeNull();
  });
});
