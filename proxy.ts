import { type NextRequest, NextResponse } from 'next/server';
import { allowedMethods } from './lib/http/api-routes';
import { requestIdFrom } from './lib/http/request-id';
import { contentSecurityPolicy, malformedApiPath } from './lib/http/security-headers';

/**
 * In front of every request: pages get a fresh CSP nonce (Next.js applies it to its own scripts,
 * see lib/http/security-headers.ts); `/api` paths no route could answer — bad percent-encoding, dot
 * segments — and methods a route does not answer get the API's JSON error instead of Next's HTML
 * error page or empty 405. Unknown API paths are
 * answered by the catch-all route `app/api/v1/[...path]`.
 */
export function proxy(request: NextRequest): NextResponse {
  const raw = rawPath(request);
  if (raw.startsWith('/api/')) {
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      apiErrorResponse(status, code, message, { 'X-Request-Id': requestId, ...headers });
    const problem = malformedApiPath(raw);
    if (problem === 'encoding') {
      return apiError(
        400,
        'invalid_request',
        'The path is not valid percent-encoding (UTF-8); encode ids with encodeURIComponent.',
      );
    }
    if (problem === 'dot_segment') {
      return apiError(
        404,
        'not_found',
        'No API route has "." or ".." path segments; see /api/v1/openapi.json.',
      );
    }
    const allowed = allowedMethods(request.nextUrl.pathname);
    if (allowed && !allowed.includes(request.method)) {
      const answered = allowed.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').join(' or ');
      return apiError(
        405,
        'method_not_allowed',
        `${request.method} is not allowed on ${request.nextUrl.pathname}; use ${answered}.`,
        { Allow: allowed.join(', ') },
      );
    }
    // The route logs and answers under the same id (withErrors reads it from the request);
    // routes without that wrapper (health, openapi.json) still answer with it.
    const headers = new Headers(request.headers);
    headers.set('x-request-id', requestId);
    const response = NextResponse.next({ request: { headers } });
    response.headers.set('Content-Security-Policy', contentSecurityPolicy({ kind: 'api', pathname: raw }));
    response.headers.set('X-Request-Id', requestId);
    return response;
  }
  if (raw.length > 1 && raw.endsWith('/')) {
    // What Next's trailing-slash redirect did for pages (turned off in next.config.js for the API).
    const target = new URL(raw.replace(/\/+$/, '') || '/', request.url);
    target.search = request.nextUrl.search;
    return NextResponse.redirect(target, 308);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy({
    kind: 'page',
    pathname: request.nextUrl.pathname,
    nonce,
    development: process.env.NODE_ENV === 'development',
  });
  const headers = new Headers(request.headers);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

/** The API's uniform error body, from the proxy (before any route runs). */
function apiErrorResponse(status: number, code: string, message: string, headers: Record<string, string>) {
  return NextResponse.json(
    { error: { code, message } },
    {
      status,
      headers: {
        'Cache-Control': 'no-store',
        'Content-Security-Policy': contentSecurityPolicy({ kind: 'api', pathname: '' }),
        ...headers,
      },
    },
  );
}

/** The path as the client sent it: `nextUrl` may already have resolved `..` or decoded escapes. */
function rawPath(request: NextRequest): string {
  const match = /^[a-z]+:\/\/[^/]+(\/[^?#]*)/i.exec(request.url);
  return match?.[1] ?? request.nextUrl.pathname;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image).*)' }],
};
