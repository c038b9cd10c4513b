'use client';

import { useState } from 'react';
import { compileWgsl, type WgslMessage } from './compile-wgsl';
import { buttonSecondary } from './field-styles';

type DryRunState =
  | { phase: 'idle' }
  | { phase: 'running'; step: string }
  | { phase: 'unavailable'; reason: string }
  | { phase: 'compile-error'; messages: WgslMessage[]; adapter: string }
  | { phase: 'ok'; messages: WgslMessage[]; adapter: string; run?: RunReport }
  | { phase: 'run-error'; messages: WgslMessage[]; adapter: string; error: string };

/** What running one shard in this browser produced. */
export interface RunReport {
  /** e.g. `shard 1 of 4` */
  shard: string;
  bytes: number;
  ms: number;
  /** The first values of the output, as the submitter would read them. */
  preview: string;
}

function position(message: WgslMessage): string {
  return message.line > 0 ? `${message.line}:${message.column}` : '—';
}

const tone: Record<WgslMessage['type'], string> = {
  error: 'text-red-700 dark:text-red-400',
  warning: 'text-amber-700 dark:text-amber-400',
  info: 'text-slate-600 dark:text-slate-400',
};

function Messages({ messages }: { messages: WgslMessage[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="mt-2 flex flex-col gap-1 font-mono text-xs">
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: compiler messages have no identity beyond order
        <li key={i} className={tone[m.type]}>
          <span className="font-semibold">line {position(m)}</span> {m.type}: {m.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * "Dry run": compiles the submitter's WGSL in their own browser and shows each compiler message
 * with its line:column; when `runShard` is given (the compute worker is available) and the shader
 * compiled, it also runs the job's first shard there, so a broken kernel is caught before any
 * volunteer spends time on it.
 */
export function WgslDryRun({ code, runShard }: { code: string; runShard?: () => Promise<RunReport> }) {
  const [state, setState] = useState<DryRunState>({ phase: 'idle' });

  async function dryRun() {
    setState({ phase: 'running', step: 'Compiling…' });
    try {
      const outcome = await compileWgsl(code);
      if (outcome.status === 'unavailable') {
        setState({ phase: 'unavailable', reason: outcome.reason });
        return;
      }
      if (!outcome.ok) {
        setState({ phase: 'compile-error', messages: outcome.messages, adapter: outcome.adapter });
        return;
      }
      if (!runShard) {
        setState({ phase: 'ok', messages: outcome.messages, adapter: outcome.adapter });
        return;
      }
      setState({ phase: 'running', step: 'Compiled; running one shard…' });
      try {
        const run = await runShard();
        setState({ phase: 'ok', messages: outcome.messages, adapter: outcome.adapter, run });
      } catch (error) {
        setState({
          phase: 'run-error',
          messages: outcome.messages,
          adapter: outcome.adapter,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    } catch (error) {
      setState({ phase: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="col-span-2 flex flex-col gap-2 lg:col-span-3">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={dryRun}
          disabled={state.phase === 'running'}
          className={buttonSecondary}
        >
          Dry run in this browser
        </button>
        <span className="text-xs text-slate-500 dark:text-slate-400">
          Compiles the shader with your browser’s WebGPU{runShard ? ' and runs the first shard' : ''}; nothing
          is sent.
        </span>
      </div>
      <div aria-live="polite" className="text-sm">
        {state.phase === 'running' ? (
          <p className="text-slate-600 dark:text-slate-400">{state.step}</p>
        ) : null}
        {state.phase === 'unavailable' ? (
          <p className="text-amber-800 dark:text-amber-300">Dry run unavailable: {state.reason}</p>
        ) : null}
        {state.phase === 'compile-error' ? (
          <div
            data-testid="dry-run-result"
            className="rounded-lg border border-red-300 bg-red-50 p-3 dark:border-red-800 dark:bg-red-950/40"
          >
            <p className="font-semibold text-red-800 dark:text-red-300">Compile error</p>
            <Messages messages={state.messages} />
          </div>
        ) : null}
        {state.phase === 'ok' || state.phase === 'run-error' ? (
          <div
            data-testid="dry-run-result"
            className={`rounded-lg border p-3 ${
              state.phase === 'ok'
                ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/40'
                : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40'
            }`}
          >
            <p className="font-semibold">Compiled without errors on {state.adapter}.</p>
            <Messages messages={state.messages} />
            {state.phase === 'ok' && state.run ? (
              <p className="mt-2">
                Ran {state.run.shard} in {Math.round(state.run.ms)} ms: {state.run.bytes} bytes out, starting{' '}
                <span className="font-mono">{state.run.preview}</span>
              </p>
            ) : null}
            {state.phase === 'run-error' ? (
              <p className="mt-2 font-semibold text-red-800 dark:text-red-300">Run failed: {state.error}</p>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
