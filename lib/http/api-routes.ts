/**
 * Every `/api/v1` route and the methods it answers, so `proxy.ts` can answer a wrong method with
 * the JSON error shape (Next.js would send an empty 405). `app/api/v1/_tests/api-routes.test.ts`
 * checks this table against the route files' exports: add a route or a method there, add it here.
 */
export const apiRoutes: Record<string, readonly string[]> = {
  '/api/v1/auth/nonce': ['GET'],
  '/api/v1/auth/verify': ['POST'],
  '/api/v1/blobs/[sha256]': ['GET'],
  '/api/v1/config': ['GET'],
  '/api/v1/epochs': ['GET', 'POST'],
  '/api/v1/grants': ['POST'],
  '/api/v1/health': ['GET'],
  '/api/v1/jobs': ['GET', 'POST'],
  '/api/v1/jobs/[id]': ['GET', 'DELETE'],
  '/api/v1/jobs/[id]/activity': ['GET'],
  '/api/v1/jobs/[id]/events': ['GET'],
  '/api/v1/jobs/[id]/result': ['GET'],
  '/api/v1/leases': ['POST'],
  '/api/v1/leases/[leaseId]': ['DELETE'],
  '/api/v1/leases/[leaseId]/error': ['POST'],
  '/api/v1/leases/[leaseId]/result': ['PUT'],
  '/api/v1/metrics': ['GET'],
  '/api/v1/openapi.json': ['GET'],
  '/api/v1/results': ['POST'],
  '/api/v1/rewards/[address]': ['GET'],
  '/api/v1/volunteers': ['POST'],
  '/api/v1/volunteers/me': ['GET'],
  '/api/v1/volunteers/me/history': ['GET'],
  '/api/v1/withdrawals': ['POST'],
};

const compiled = Object.entries(apiRoutes).map(([pattern, methods]) => ({
  regex: new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\[[^\]]+\]/g, '[^/]+')}/?$`),
  // Next.js answers HEAD for every GET and OPTIONS for every route by itself.
  methods: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'],
}));

/** The methods the route at `pathname` answers, or null when no route matches (the catch-all's 404). */
export function allowedMethods(pathname: string): string[] | null {
  return compiled.find((route) => route.regex.test(pathname))?.methods ?? null;
}
