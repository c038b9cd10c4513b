import type { Metadata } from 'next';
import Link from 'next/link';
import { kernels } from '@/lib/kernels/registry';
import { describeKernelForm } from '@/lib/protocol/kernel-forms';
import { JobForm } from '../_components/job-form';

export const metadata: Metadata = { title: 'Submit a job — Spare Cycles' };

/**
 * `/jobs/new`: the form is generated on the server from every kernel in the registry (their params
 * as JSON Schema), so a new kernel appears here without this page knowing its name.
 */
export default function NewJobPage() {
  const forms = Object.values(kernels).map(describeKernelForm);
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-col gap-2">
        <Link
          href="/jobs"
          className="w-fit rounded text-sm text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-slate-400 dark:hover:text-white"
        >
          ← All jobs
        </Link>
        <h1 className="text-3xl font-bold tracking-tight">Submit a job</h1>
        <p className="max-w-prose text-slate-600 dark:text-slate-400">
          Volunteers’ browsers compute your job in small shards on their GPUs; every shard is verified before
          it counts, and you download the assembled result. The same is available over the{' '}
          <a
            href="/api/v1/openapi.json"
            className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400 dark:hover:text-emerald-300"
          >
            HTTP API
          </a>
          .
        </p>
      </div>
      <JobForm kernels={forms} />
    </main>
  );
}
