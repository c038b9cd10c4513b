'use client';

import { parseNpy } from '@/lib/kernels/npy';
import { errorClass, helpClass, labelClass } from './field-styles';
import { formatBytes } from './format';

/** An input file chosen for the job: uploaded by the submitter or generated as a demo. */
export interface ChosenInput {
  blob: Blob;
  filename: string;
  /** What it holds, e.g. `64×32 float32 .npy · 8.3 KB`. */
  summary: string;
  demo: boolean;
}

/**
 * Describes a file for the submitter. The server validates fully (its message is what counts);
 * this only shows a `.npy` matrix's shape so a mismatch is visible before submitting.
 */
export async function describeUpload(file: Blob): Promise<string> {
  const size = formatBytes(file.size);
  if (file.size > 64 * 1024 * 1024) return size;
  try {
    const { shape } = parseNpy(new Uint8Array(await file.arrayBuffer()), 'file');
    return `${shape[0]}×${shape[1]} float32 .npy · ${size}`;
  } catch {
    return size;
  }
}

/**
 * The upload control of one job input. Its id is `input-<name>`, the target of a server error for
 * `inputs.<name>`.
 */
export function InputUpload({
  name,
  matrix,
  optional,
  chosen,
  error,
  onChoose,
}: {
  name: string;
  /** The kernel takes this input as a `.npy` matrix (else: raw bytes of the kernel's own format). */
  matrix: boolean;
  optional: boolean;
  chosen: ChosenInput | undefined;
  error?: string;
  onChoose: (file: File | undefined) => void;
}) {
  const id = `input-${name}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [helpId, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        Input <span className="font-mono">{name}</span>
        {optional ? (
          <span className="ml-1.5 text-xs font-normal text-slate-500 dark:text-slate-400">(optional)</span>
        ) : null}
      </label>
      <input
        id={id}
        type="file"
        accept={matrix ? '.npy,application/octet-stream' : undefined}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChoose(event.target.files?.[0])}
        className={`mt-1 block w-full rounded-lg border bg-white text-sm text-slate-700 file:mr-3 file:cursor-pointer file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-200 focus:outline-none focus:ring-2 focus:ring-emerald-500 dark:bg-slate-900 dark:text-slate-300 dark:file:bg-slate-800 dark:file:text-slate-100 dark:hover:file:bg-slate-700 ${
          error ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700'
        }`}
      />
      <p id={helpId} className={helpClass} aria-live="polite">
        {chosen
          ? `${chosen.demo ? 'Demo matrix' : chosen.filename}: ${chosen.summary}`
          : matrix
            ? 'A .npy array (numpy.save), float32 little-endian, C order.'
            : 'Raw bytes, as the kernel reads them.'}
      </p>
      {error ? (
        <p id={errorId} className={errorClass}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
