'use client';

import { useEffect, useState } from 'react';
import { kernelNames } from '@/lib/kernels/registry';
import type { AdapterSummary } from '@/workers/compute-api';
import { installLabHooks } from './lab-hooks';
import { LAB_SAMPLES } from './lab-samples';
import { runSample, runSha256Vectors, type SelfTestRow } from './run-self-test';

type Phase = 'idle' | 'running' | 'done';

const STATUS_TEXT: Record<SelfTestRow['status'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  untested: 'Not tested',
};

const ms = (value: number | null) =>
  value === null ? '—' : `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;

/** The lab's interactive part: the button, the adapter and the results table. */
export function LabPanel() {
  const [phase, setPhase] = useState<Phase>('idle');
  const [adapter, setAdapter] = useState<AdapterSummary | null>(null);
  const [rows, setRows] = useState<SelfTestRow[]>([]);
  const [error, setError] = useState<string | null>(null);

  // `?hooks=1` installs the test hook at load (it starts nothing by itself); see lab-hooks.ts.
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('hooks') === '1') installLabHooks();
  }, []);

  async function runSelfTest() {
    setPhase('running');
    setRows([]);
    setError(null);
    const api = installLabHooks().worker('lab');
    try {
      setAdapter(await api.init());
      const done: SelfTestRow[] = [];
      for (const sample of LAB_SAMPLES) {
        done.push(await runSample(api, sample));
        setRows([...done]);
      }
      done.push(await runSha256Vectors(api));
      for (const kernel of kernelNames.filter(
        (name) => !LAB_SAMPLES.some((sample) => sample.kernel === name),
      )) {
        done.push({
          kernel,
          label: '—',
          status: 'untested',
          detail: 'no lab sample for this kernel yet',
          wallMs: null,
          gpuMs: null,
          cpuMs: null,
          shaderKey: null,
        });
      }
      setRows([...done]);
    } catch (caught) {
      setError(`${(caught as Error).name}: ${(caught as Error).message}`);
    }
    setPhase('done');
  }

  const checked = rows.filter((row) => row.status !== 'untested');
  const failures = checked.filter((row) => row.status !== 'pass').length;
  const untested = rows.length - checked.length;
  const untestedNote =
    untested > 0 ? ` ${untested} kernel${untested === 1 ? ' has' : 's have'} no sample yet.` : '';
  const summary =
    phase === 'running'
      ? `Running… ${rows.length} of ${LAB_SAMPLES.length + 1} checks done`
      : phase === 'done'
        ? error
          ? `The self-test could not run: ${error}`
          : failures === 0
            ? `All ${checked.length} checks passed.${untestedNote}`
            : `${failures} of ${checked.length} checks failed.${untestedNote}`
        : 'Not run yet.';

  return (
    <section aria-labelledby="self-test" className="flex flex-col gap-6">
      <h2 id="self-test" className="sr-only">
        Self-test
      </h2>
      <div className="flex flex-wrap items-center gap-4">
        <button
          type="button"
          onClick={runSelfTest}
          disabled={phase === 'running'}
          className="rounded-lg bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:cursor-wait disabled:opacity-60 dark:bg-emerald-500 dark:text-slate-950 dark:hover:bg-emerald-400"
        >
          {phase === 'running' ? 'Running…' : phase === 'done' ? 'Run self-test again' : 'Run self-test'}
        </button>
        <p role="status" aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
          {summary}
        </p>
      </div>

      {adapter && (
        <div className="rounded-xl border border-slate-200 p-4 dark:border-slate-800">
          <h3 className="mb-3 text-lg font-semibold">Adapter</h3>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="adapter">
            <dt className="text-slate-500 dark:text-slate-400">Runs on</dt>
            <dd>{adapter.mode === 'webgpu' ? 'WebGPU' : 'CPU (no usable WebGPU adapter)'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Vendor</dt>
            <dd>{adapter.vendor || '—'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Architecture</dt>
            <dd>{adapter.architecture || '—'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Description</dt>
            <dd>{adapter.description || '—'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Software adapter</dt>
            <dd>{adapter.fallback ? 'yes (slower than a real GPU)' : 'no'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">GPU timing</dt>
            <dd>{adapter.timestampQuery ? 'timestamp queries' : 'not available'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Features</dt>
            <dd className="break-words">{adapter.features.join(', ') || '—'}</dd>
          </dl>
        </div>
      )}

      {rows.length > 0 && (
        <div className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">
              Self-test results: each kernel on the GPU against its CPU reference
            </caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Kernel
                </th>
                <th scope="col" className="px-3 py-2">
                  Sample
                </th>
                <th scope="col" className="px-3 py-2">
                  Result
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Worker
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  GPU pass
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  CPU reference
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={`${row.kernel}-${row.label}`}
                  className="border-t border-slate-200 dark:border-slate-800"
                >
                  <th scope="row" className="px-3 py-2 font-medium">
                    {row.kernel}
                    {row.shaderKey && (
                      <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">
                        {row.shaderKey}
                      </span>
                    )}
                  </th>
                  <td className="px-3 py-2">{row.label}</td>
                  <td className="px-3 py-2">
                    <span
                      className={
                        row.status === 'pass'
                          ? 'font-semibold text-emerald-700 dark:text-emerald-400'
                          : row.status === 'untested'
                            ? 'font-semibold text-slate-600 dark:text-slate-400'
                            : 'font-semibold text-red-700 dark:text-red-400'
                      }
                    >
                      {STATUS_TEXT[row.status]}
                    </span>
                    <span className="block text-xs text-slate-600 dark:text-slate-400">{row.detail}</span>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{ms(row.wallMs)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{ms(row.gpuMs)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{ms(row.cpuMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
