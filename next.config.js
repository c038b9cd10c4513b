// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Build output folder; parallel test runs on one checkout give each its own (NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // WGSL kernels are imported as strings (shaders/*.wgsl).
  turbopack: { rules: { '*.wgsl': { type: 'raw' } } },
  // `next dev` opened at 127.0.0.1 (tests, the widget) must still hydrate.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  // PGlite ships wasm and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  poweredByHeader: false,
  // Framing: only the widget's card (/embed, docs/embed.md) may be put in an iframe, by any site.
  // Every other response — pages, the API, widget.js, static files — refuses it (clickjacking);
  // X-Frame-Options for browsers that predate CSP frame-ancestors.
  async headers() {
    return [
      {
        source: '/:path((?!embed$).*)',
        headers: [
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
      { source: '/embed', headers: [{ key: 'Content-Security-Policy', value: 'frame-ancestors *' }] },
    ];
  },
};

export default nextConfig;
