'use client';

import { useEffect, useState } from 'react';
import { browserApi } from '@/lib/api/api-call';
import { getJobResultBytes } from '@/lib/api/jobs-api';
import { parseNpyArray } from '@/lib/kernels/npy';
import type { JobSummary } from '@/lib/protocol/jobs';
import { buttonPrimary } from './field-styles';
import { formatBytes, formatValue } from './format';
import { matrixStats } from './matrix-stats';
import { headRows, jsonPreview, type Preview, previewKind } from './read-result';
import { storedIdentity } from './submitter-identity';

type JobResult = NonNullable<JobSummary['result']>;

/** Results larger than this are offered for download only: parsing them would stall the tab. */
const PREVIEW_MAX_BYTES = 64 * 1024 * 1024;
const NONCES_SHOWN = 20;

/**
 * The verified output of a completed job: a preview chosen by the result's type (a matrix's shape
 * and statistics, the nonces found, a rendered image, an estimate with its 95 % interval, or JSON)
 * and a download of the file in its documented format.
 */
export function ResultPreview({ result, title }: { result: JobResult; title: string }) {
  const kind = previewKind(result);
  const [preview, setPreview] = useState<Preview>({
    kind: kind === 'npy' || kind === 'json' ? 'loading' : 'none',
  });

  useEffect(() => {
    if (kind !== 'npy' && kind !== 'json') return;
    if (result.bytes > PREVIEW_MAX_BYTES) {
      setPreview({
        kind: 'error',
        message: `The result is ${formatBytes(result.bytes)}: download it to inspect it.`,
      });
      return;
    }
    const controller = new AbortController();
    (async () => {
      // A private job's result is for its submitter: this browser's identity, when it submitted it.
      const bytes = await getJobResultBytes(
        browserApi,
        result.url,
        controller.signal,
        storedIdentity()?.token,
      );
      if (kind === 'npy') {
        // Any rank: rows are the first axis, the rest flattened (an onnx output of shape (n, c, h, w)).
        const array = parseNpyArray(bytes, result.filename);
        const rows = array.shape[0] ?? 1;
        const cols = array.shape.slice(1).reduce((product, dim) => product * dim, 1);
        setPreview({
          kind: 'matrix',
          stats: matrixStats(array.data, rows, cols),
          head: headRows(array.data, rows, cols),
        });
      } else {
        setPreview(jsonPreview(JSON.parse(new TextDecoder().decode(bytes))));
      }
    })().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      setPreview({
        kind: 'error',
        message: `Could not preview the result (${error instanceof Error ? error.message : String(error)}); the download still works.`,
      });
    });
    return () => controller.abort();
  }, [kind, result.url, result.bytes, result.filename]);

  return (
    <section aria-labelledby="result-heading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="result-heading" className="text-lg font-semibold">
          Verified result
        </h2>
        <a href={result.url} download={result.filename} className={buttonPrimary}>
          <span aria-hidden="true">↓</span> Download {result.filename}
          <span className="font-normal">({formatBytes(result.bytes)})</span>
        </a>
      </div>

      {kind === 'image' ? (
        // biome-ignore lint/performance/noImgElement: the verified PNG is served as is by the API, not optimised by Next
        <img
          src={result.url}
          alt={`Rendered result of ${title}`}
          className="h-auto max-w-full rounded-lg border border-slate-200 [image-rendering:pixelated] dark:border-slate-800"
        />
      ) : null}

      <div aria-live="polite">
        {preview.kind === 'loading' ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Loading the result…</p>
        ) : null}
        {preview.kind === 'error' ? (
          <p className="text-sm text-amber-800 dark:text-amber-300">{preview.message}</p>
        ) : null}
        {preview.kind === 'matrix' ? (
          <div data-testid="matrix-summary">
            <p className="text-sm">
              Matrix{' '}
              <span className="font-mono font-semibold">
                {preview.stats.rows}×{preview.stats.cols}
              </span>{' '}
              float32
            </p>
            <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
              {(
                [
                  ['min', 'min', preview.stats.min],
                  ['max', 'max', preview.stats.max],
                  ['mean', 'mean', preview.stats.mean],
                  ['frobenius', 'Frobenius norm', preview.stats.frobenius],
                ] as const
              ).map(([key, name, value]) => (
                <div key={key} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
                  <dt className="text-xs text-slate-500 dark:text-slate-400">{name}</dt>
                  <dd data-testid={`stat-${key}`} className="font-mono text-sm tabular-nums">
                    {formatValue(value)}
                  </dd>
                </div>
              ))}
            </dl>
            {preview.head.rows.length > 0 ? (
              <table
                data-testid="result-rows"
                className="mt-4 w-full text-left font-mono text-xs tabular-nums"
              >
                <caption className="mb-1 text-left font-sans text-sm">
                  First {preview.head.rows.length} rows
                  {preview.head.probabilities ? ' (class probabilities; argmax is the predicted class)' : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="pr-3">
                      row
                    </th>
                    <th scope="col" className="pr-3">
                      values
                      {preview.stats.cols > preview.head.shownCols
                        ? ` (first ${preview.head.shownCols})`
                        : ''}
                    </th>
                    <th scope="col">argmax</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.head.rows.map((row) => (
                    <tr key={row.index}>
                      <td className="pr-3">{row.index}</td>
                      <td className="pr-3">{row.values.map((v) => formatValue(v)).join('  ')}</td>
                      <td data-testid="result-argmax">{row.argmax}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
        {preview.kind === 'nonces' ? (
          <div data-testid="nonces-summary">
            <p className="text-sm">
              {preview.nonces.length === 0
                ? 'No nonce in the range meets the difficulty.'
                : `${preview.nonces.length} nonce${preview.nonces.length === 1 ? '' : 's'} found${
                    preview.nonces.length > NONCES_SHOWN ? `; the first ${NONCES_SHOWN}:` : ':'
                  }`}
            </p>
            {preview.nonces.length > 0 ? (
              <ul className="mt-2 flex flex-wrap gap-2 font-mono text-xs">
                {preview.nonces.slice(0, NONCES_SHOWN).map((nonce) => (
                  <li key={nonce} className="rounded bg-slate-100 px-2 py-1 dark:bg-slate-800">
                    {nonce}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {preview.kind === 'estimate' ? (
          <div data-testid="estimate-summary">
            <p className="text-2xl font-semibold tabular-nums">
              {formatValue(preview.price)}
              {preview.halfWidth !== null ? (
                <span className="ml-2 text-base font-normal text-slate-600 dark:text-slate-400">
                  ± {formatValue(preview.halfWidth)}
                </span>
              ) : null}
            </p>
            {preview.interval ? (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                95 % confidence interval [{formatValue(preview.interval[0])},{' '}
                {formatValue(preview.interval[1])}]
              </p>
            ) : null}
            {preview.extras.length > 0 ? (
              <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3">
                {preview.extras.map(([name, value]) => (
                  <div key={name} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
                    <dt className="text-xs text-slate-500 dark:text-slate-400">{name}</dt>
                    <dd className="font-mono text-sm tabular-nums">{value}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </div>
        ) : null}
        {preview.kind === 'json' ? (
          <pre className="max-h-80 overflow-auto rounded-lg bg-slate-50 p-3 text-xs dark:bg-slate-900">
            {preview.text}
          </pre>
        ) : null}
      </div>
    </section>
  );
}
