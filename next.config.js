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
};

export default nextConfig;
