import type { JobSummary } from '@/lib/protocol/jobs';
import { formatValue } from './format';
import type { MatrixStats } from './matrix-stats';

type JobResult = NonNullable<JobSummary['result']>;

/** What the result view shows, once the result is read. */
export type Preview =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | { kind: 'matrix'; stats: MatrixStats; head: RowsPreview }
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

/** The first rows of a result, and for a classifier's output (rows of probabilities) each row's argmax. */
export interface RowsPreview {
  rows: { index: number; values: number[]; argmax: number }[];
  /** Columns shown of each row (the rest are elided). */
  shownCols: number;
  /** Every shown row is non-negative and sums to 1 (a softmax): the argmax is the predicted class. */
  probabilities: boolean;
}

/**
 * The first `count` rows of a row-major `rows×cols` result (at most `maxCols` values each), with
 * each row's argmax over all its columns.
 * @example headRows(new Float32Array([0.1, 0.9, 0.8, 0.2]), 2, 2).rows[0].argmax // 1
 */
export function headRows(
  data: Float32Array,
  rows: number,
  cols: number,
  count = 8,
  maxCols = 10,
): RowsPreview {
  const shown: RowsPreview['rows'] = [];
  let probabilities = cols > 1;
  for (let r = 0; r < Math.min(rows, count); r++) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    let argmax = 0;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      if (row[c]! > row[argmax]!) argmax = c;
      if (row[c]! < 0) probabilities = false;
      sum += row[c]!;
    }
    if (Math.abs(sum - 1) > 1e-3) probabilities = false;
    shown.push({ index: r, values: Array.from(row.subarray(0, maxCols)), argmax });
  }
  return { rows: shown, shownCols: Math.min(cols, maxCols), probabilities };
}
