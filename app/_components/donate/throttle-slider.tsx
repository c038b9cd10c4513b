'use client';

import { useId } from 'react';

/**
 * The throttle: how much of the time the GPU may work, 10–100 % in steps of 5. A native range
 * input, so arrows, Page Up/Down, Home and End work and screen readers announce the value.
 */
export function ThrottleSlider({
  percent,
  onChange,
}: {
  percent: number;
  onChange: (percent: number) => void;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-baseline justify-between gap-4">
        <label htmlFor={id} className="text-sm font-medium">
          GPU use
        </label>
        <output htmlFor={id} className="font-mono text-sm tabular-nums" data-testid="throttle-value">
          {percent} %
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={10}
        max={100}
        step={5}
        value={percent}
        aria-describedby={hintId}
        aria-valuetext={`${percent} percent`}
        onChange={(event) => onChange(Number(event.currentTarget.value))}
        className="w-full accent-emerald-600 dark:accent-emerald-400"
      />
      <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
        The share of time your GPU computes; it rests the remainder. Lower it to keep your device cool and
        quiet.
      </p>
    </div>
  );
}
