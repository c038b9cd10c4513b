import { type NextRequest, NextResponse } from 'next/server';
import { contentSecurityPolicy, malformedApiPath } from './lib/http/security-headers';

/**
 * In front of every request: pages get a fresh CSP nonce (Next.js applies it to its own scripts,
 * see lib/http/security-headers.ts); `/api` paths no route could answer — bad percent-encoding, dot
 * segments — get the API's JSON error instead of Next's HTML error page. Unknown API paths are
 * answered by the catch-all route `app/api/v1/[...path]`.
 */
export function proxy(request: NextRequest): NextResponse {
  const raw = rawPath(request);
  if (raw.startsWith('/api/')) {
    const problem = malformedApiPath(raw);
    if (problem) {
      const [status, code, message] =
        problem === 'encoding'
          ? [
              400,
              'invalid_request',
              'The path is not valid percent-encoding (UTF-8); encode ids with encodeURIComponent.',
            ]
          : [404, 'not_found', 'No API route has "." or ".." path segments; see /api/v1/openapi.json.'];
      return NextResponse.json(
        { error: { code, message } },
        {
          status,
          headers: {
            'Cache-Control': 'no-store',
            'Content-Security-Policy': contentSecurityPolicy({ kind: 'api', pathname: raw }),
          },
        },
      );
    }
    const response = NextResponse.next();
    response.headers.set('Content-Security-Policy', contentSecurityPolicy({ kind: 'api', pathname: raw }));
    return response;
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

/** The path as the client sent it: `nextUrl` may already have resolved `..` or decoded escapes. */
function rawPath(request: NextRequest): string {
  const match = /^[a-z]+:\/\/[^/]+(\/[^?#]*)/i.exec(request.url);
  return match?.[1] ?? request.nextUrl.pathname;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image).*)' }],
};
