/**
 * A tiny SVG sparkline of recent throughput (no chart library: one path, one area). Values are
 * samples taken once a second, oldest first; the y axis starts at 0 and tops at the window's peak.
 */
export function ThroughputSparkline({
  values,
  capacity = 60,
  label,
}: {
  values: readonly number[];
  /** How many samples the full width holds. */
  capacity?: number;
  /** Describes the chart for screen readers (it is an image to them). */
  label: string;
}) {
  const width = 240;
  const height = 48;
  const peak = Math.max(...values, 0);
  const step = width / Math.max(1, capacity - 1);
  const offset = (capacity - values.length) * step;
  const points = values.map((value, i) => {
    const x = offset + i * step;
    const y = peak > 0 ? height - 2 - (value / peak) * (height - 4) : height - 2;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = points.length > 0 ? `M${points.join(' L')}` : '';
  const area = points.length > 1 ? `${line} L${width},${height} L${offset.toFixed(1)},${height} Z` : '';
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className="h-12 w-full text-emerald-600 dark:text-emerald-400"
      data-testid="throughput-sparkline"
    >
      <line
        x1="0"
        y1={height - 1}
        x2={width}
        y2={height - 1}
        className="stroke-slate-200 dark:stroke-slate-700"
        strokeWidth="1"
      />
      {area && <path d={area} fill="currentColor" fillOpacity="0.12" />}
      {line && (
        <path
          d={line}
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinejoin="round"
          strokeLinecap="round"
          vectorEffect="non-scaling-stroke"
        />
      )}
    </svg>
  );
}
