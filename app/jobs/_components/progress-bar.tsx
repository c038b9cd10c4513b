import type { JobSummary } from '@/lib/protocol/jobs';

/**
 * Shards verified out of the total as an accessible progress bar, with failed shards (red) and
 * shards being computed right now (striped) drawn after the verified part.
 */
export function ProgressBar({
  progress,
  label,
  size = 'md',
}: {
  progress: JobSummary['progress'];
  /** Names the bar for screen readers, e.g. the job's title. */
  label: string;
  size?: 'sm' | 'md';
}) {
  const { total, verified, failed, running } = progress;
  const pct = (n: number) => (total > 0 ? Math.min(100, (n / total) * 100) : 0);
  const percent = Math.floor(pct(verified));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={verified}
      aria-valuetext={`${verified} of ${total} shards verified (${percent} %)`}
      className={`flex w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800 ${size === 'sm' ? 'h-1.5' : 'h-3'}`}
    >
      <div
        className="bg-emerald-500 transition-[width] duration-500"
        style={{ width: `${pct(verified)}%` }}
      />
      <div className="bg-red-500 transition-[width] duration-500" style={{ width: `${pct(failed)}%` }} />
      <div
        className="bg-sky-400 bg-[repeating-linear-gradient(45deg,transparent_0,transparent_4px,rgb(255_255_255/0.35)_4px,rgb(255_255_255/0.35)_8px)] transition-[width] duration-500 dark:bg-sky-600"
        style={{ width: `${pct(Math.min(running, total - verified - failed))}%` }}
      />
    </div>
  );
}
