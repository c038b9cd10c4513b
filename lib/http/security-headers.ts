/**
 * The Content-Security-Policy of each response, by what it is:
 * - pages: scripts only from this origin or carrying this response's nonce (Next.js puts it on its
 *   own inline scripts), WebAssembly compilation (onnxruntime-web) but no `eval` outside
 *   development, workers from this origin (the WebGPU compute worker) or `blob:`, no plugins, no
 *   `<base>` or form posts elsewhere, and no framing — except `/embed`, the widget's card, which any
 *   site may frame (its Donate press is guarded by `useVisibleConsent`). Connections and images are
 *   not restricted: the wallet talks to the chain's RPC URL, which is configuration.
 * - the API and static files: nothing may run, nothing may frame them.
 */
export function contentSecurityPolicy(options: {
  kind: 'page' | 'api';
  pathname: string;
  nonce?: string;
  development?: boolean;
}): string {
  if (options.kind === 'api') return "default-src 'none'; frame-ancestors 'none'";
  const framing = options.pathname === '/embed' ? '*' : "'none'";
  const script = [
    "'self'",
    ...(options.nonce ? [`'nonce-${options.nonce}'`] : []),
    "'wasm-unsafe-eval'",
    ...(options.development ? ["'unsafe-eval'"] : []),
  ].join(' ');
  return [
    `script-src ${script}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${framing}`,
  ].join('; ');
}

/** Whether an `/api/v1` path is one no route can answer: bad percent-encoding or dot segments. */
export function malformedApiPath(rawPath: string): 'encoding' | 'dot_segment' | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 'encoding';
  }
  return decoded.split('/').some((segment) => segment === '.' || segment === '..') ? 'dot_segment' : null;
}
