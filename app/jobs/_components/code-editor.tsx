'use client';

import { useRef } from 'react';

/**
 * A plain textarea with a line-number gutter: enough to write and fix a WGSL kernel, and fully
 * keyboard-usable (Tab still moves focus, so nobody is trapped in the editor). Compiler messages
 * name `line:column`, which the gutter makes easy to find.
 */
export function CodeEditor({
  id,
  value,
  onChange,
  describedBy,
  invalid,
  rows = 18,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  describedBy?: string;
  invalid?: boolean;
  rows?: number;
}) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = Math.max(rows, value.split('\n').length);
  return (
    <div
      className={`flex overflow-hidden rounded-lg border bg-slate-50 font-mono text-[13px] leading-5 focus-within:ring-2 focus-within:ring-emerald-500 dark:bg-slate-900 ${
        invalid ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700'
      }`}
    >
      <div
        ref={gutter}
        aria-hidden="true"
        className="select-none overflow-hidden border-r border-slate-200 bg-slate-100 px-2 py-2 text-right text-slate-400 dark:border-slate-800 dark:bg-slate-950 dark:text-slate-500"
        style={{ height: `calc(${rows} * 1.25rem + 1rem)` }}
      >
        {Array.from({ length: lines }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: line numbers are their own identity
          <div key={i}>{i + 1}</div>
        ))}
      </div>
      <textarea
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onScroll={(event) => {
          if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
        }}
        rows={rows}
        wrap="off"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        className="min-w-0 flex-1 resize-none bg-transparent px-3 py-2 text-slate-900 outline-none dark:text-slate-100"
        style={{ height: `calc(${rows} * 1.25rem + 1rem)` }}
      />
    </div>
  );
}
