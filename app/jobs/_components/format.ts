/** Display helpers shared by the job pages; pure, so server and client components render alike. */

/** `1.5 KB`, `12 MB`: decimal units, as downloads are usually shown. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `45 s`, `3 min 20 s`, `2 h 5 min`: an ETA or an elapsed time. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/**
 * A fixed-format UTC timestamp (`2025-01-31 14:05 UTC`): identical on the server and in the
 * browser, so hydration never disagrees about the time zone.
 */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Work units with sensible precision: `1,234`, `12.5`, `0.0031`. */
export function formatCredit(units: number): string {
  if (units === 0) return '0';
  if (units >= 100) return Math.round(units).toLocaleString('en-US');
  if (units >= 1) return units.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return units.toPrecision(2);
}

/** A number for a result table: 6 significant digits, exponent form when very large or small. */
export function formatValue(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(4);
  return Number(value.toPrecision(6)).toString();
}
