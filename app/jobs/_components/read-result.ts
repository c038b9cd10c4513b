import type { JobSummary } from '@/lib/protocol/jobs';
import { formatValue } from './format';
import type { MatrixStats } from './matrix-stats';

type JobResult = NonNullable<JobSummary['result']>;

/** What the result view shows, once the result is read. */
export type Preview =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | { kind: 'matrix'; stats: MatrixStats }
  | { kind: 'nonces'; nonces: string[] }
  | {
      kind: 'estimate';
      price: number;
      halfWidth: number | null;
      interval: [number, number] | null;
      extras: [string, string][];
    }
  | { kind: 'json'; text: string };

/** How a result is shown: by file type first, so kernels we do not know still get something useful. */
export function previewKind(result: JobResult): 'image' | 'npy' | 'json' | 'none' {
  if (result.contentType.startsWith('image/')) return 'image';
  if (result.filename.endsWith('.npy')) return 'npy';
  if (result.contentType.includes('json') || result.filename.endsWith('.json')) return 'json';
  return 'none';
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

/** `[low, high]` or `{low, high}` / `{lower, upper}`, else null. */
function interval(value: unknown): [number, number] | null {
  if (Array.isArray(value) && value.length === 2) {
    const [low, high] = value.map(num);
    return low != null && high != null ? [low, high] : null;
  }
  if (value && typeof value === 'object') {
    const bounds = value as Record<string, unknown>;
    const low = num(bounds.low ?? bounds.lower);
    const high = num(bounds.high ?? bounds.upper);
    return low !== null && high !== null ? [low, high] : null;
  }
  return null;
}

/**
 * Reads a JSON result: the nonces of a hash search (`{nonces}`), an estimate with its 95 %
 * interval (Monte Carlo pricing: `{price, stdError, confidence95: [low, high], paths,
 * blackScholes}`), or anything else as text.
 */
export function jsonPreview(value: unknown): Preview {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.nonces)) return { kind: 'nonces', nonces: record.nonces.map(String) };
    const price = num(record.price ?? record.estimate);
    if (price !== null) {
      const bounds = interval(record.confidence95 ?? record.ci95 ?? record.interval95 ?? record.interval);
      const stdError = num(record.stdError ?? record.stderr ?? record.standardError);
      const extras: [string, string][] = [];
      const reference = num(record.blackScholes);
      if (reference !== null) extras.push(['Black–Scholes value', formatValue(reference)]);
      const paths = num(record.paths);
      if (paths !== null) extras.push(['paths', paths.toLocaleString('en-US')]);
      if (stdError !== null) extras.push(['standard error', formatValue(stdError)]);
      return {
        kind: 'estimate',
        price,
        halfWidth: bounds ? (bounds[1] - bounds[0]) / 2 : stdError !== null ? 1.96 * stdError : null,
        interval: bounds,
        extras,
      };
    }
  }
  const text = JSON.stringify(value, null, 2);
  return { kind: 'json', text: text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text };
}
