// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Build output folder; parallel test runs on one checkout give each its own (NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // No Turbopack cache on disk for `next dev`. A dev server that starts on the cache a previous one
  // left in .next/dev/cache answers the browser's HMR subscription to the shared client entry with
  // `restart` on every page load, so an open page reloads again and again after `npm run dev` is
  // restarted (seen on /rewards, /jobs/new, /leaderboard; not when `/` was compiled first).
  // Starting cold costs a few seconds of compiling.
  //
  // proxy.ts runs on every request, so Next buffers each request body for it and hands the route
  // only the first `proxyClientMaxBodySize` bytes (10 MB by default): an 11 MB JSON job, well under
  // the API's 96 MiB (lib/http/read-body.ts maxBodyBytes), arrived cut off and was refused as
  // invalid JSON. Above the API's own limits, so those answer (413) first.
  experimental: { turbopackFileSystemCacheForDev: false, proxyClientMaxBodySize: 100 * 1024 * 1024 },
  // WGSL kernels are imported as strings (shaders/*.wgsl).
  turbopack: { rules: { '*.wgsl': { type: 'raw' } } },
  // `next dev` opened at 127.0.0.1 (tests, the widget) must still hydrate.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  // PGlite ships wasm and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  poweredByHeader: false,
  // Next's own trailing-slash redirect runs before proxy.ts and would answer `/api/v1/jobs/..` with
  // a 308 to `/api/v1`: the proxy answers API paths itself (JSON errors) and redirects page paths.
  skipTrailingSlashRedirect: true,
  // Every response: no MIME sniffing, no full URLs (ids, lease capabilities) in Referer to other
  // sites. Framing: only the widget's card (/embed, docs/embed.md) may be put in an iframe, by any
  // site; X-Frame-Options for browsers that predate CSP frame-ancestors. The Content-Security-Policy
  // itself (scripts, workers, wasm, frame-ancestors) is set per response by proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
      { source: '/:path((?!embed$).*)', headers: [{ key: 'X-Frame-Options', value: 'DENY' }] },
    ];
  },
};

export default nextConfig;
