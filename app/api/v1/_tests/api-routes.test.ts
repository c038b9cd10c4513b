import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '@/lib/http/api-routes';

// proxy.ts answers wrong methods from lib/http/api-routes.ts: that table must say what the route
// files really export, or the proxy would refuse a method a route answers (or miss a 405).
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '_tests' ? [] : routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

describe('lib/http/api-routes.ts', () => {
  it('lists every /api/v1 route file with exactly the methods it exports', async () => {
    const root = path.resolve('app');
    const found: Record<string, string[]> = {};
    for (const file of routeFiles(path.join(root, 'api/v1'))) {
      const route = `/${path.relative(root, path.dirname(file)).split(path.sep).join('/')}`;
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      found[route] = methods.filter((m) => typeof mod[m] === 'function');
    }
    const table = Object.fromEntries(
      Object.entries(apiRoutes).map(([route, list]) => [route, [...list].sort()]),
    );
    const actual = Object.fromEntries(Object.entries(found).map(([route, list]) => [route, list.sort()]));
    expect(table).toEqual(actual);
  });
});
