/**
 * A nudge from the request path to this process's pipeline ("a result arrived"), so the validator
 * does not wait for its next poll. Only an optimisation: the pipeline also polls the database, which
 * is what other processes rely on. Kept on `globalThis` because Next may load this module once per
 * route bundle.
 */
const key = Symbol.for('spare-cycles.pipeline-signal');
type GlobalWithListeners = typeof globalThis & { [key]?: Set<() => void> };

function listeners(): Set<() => void> {
  const g = globalThis as GlobalWithListeners;
  g[key] ??= new Set();
  return g[key];
}

export function wakePipeline(): void {
  for (const listener of listeners()) listener();
}

export function onPipelineWake(listener: () => void): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}
