import type { VolunteerHistory } from '@/lib/protocol/volunteer-history';

const DAYS = 14;

/** The last `DAYS` UTC days ending today, oldest first (`YYYY-MM-DD`). */
function lastDays(today: Date): string[] {
  return Array.from({ length: DAYS }, (_, i) => {
    const day = new Date(today.getTime() - (DAYS - 1 - i) * 24 * 3600 * 1000);
    return day.toISOString().slice(0, 10);
  });
}

/**
 * Verified credit per day for the last two weeks, as bars (no chart library). Days without credit
 * are empty slots, so the x axis is time.
 */
export function DailyCreditChart({ history, today }: { history: VolunteerHistory; today: Date }) {
  const byDay = new Map(history.days.map((d) => [d.day, d.workUnits]));
  const days = lastDays(today);
  const values = days.map((day) => byDay.get(day) ?? 0);
  const peak = Math.max(...values, 0);
  const total = values.reduce((a, b) => a + b, 0);
  const width = 240;
  const height = 48;
  const slot = width / DAYS;
  const label = `Verified credit per day over the last ${DAYS} days: ${total.toFixed(2)} work units in all${
    peak > 0 ? `, at most ${peak.toFixed(2)} in a day` : ''
  }.`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      className="h-12 w-full"
      data-testid="daily-chart"
    >
      <title>{label}</title>
      {values.map((value, i) => {
        const h = peak > 0 ? Math.max(value > 0 ? 2 : 0, (value / peak) * (height - 2)) : 0;
        return (
          <rect
            key={days[i]}
            x={i * slot + 1}
            y={height - h}
            width={slot - 2}
            height={h}
            rx={1}
            className="fill-emerald-600 dark:fill-emerald-400"
          />
        );
      })}
      <line
        x1={0}
        x2={width}
        y1={height - 0.5}
        y2={height - 0.5}
        className="stroke-slate-300 dark:stroke-slate-700"
      />
    </svg>
  );
}
