import type { Metadata } from 'next';
import { LabPanel } from './lab-panel';

export const metadata: Metadata = { title: 'Lab: test your GPU — Spare Cycles' };

/**
 * `/lab`: a diagnostics page. Shows which WebGPU adapter this browser gives us and runs every
 * kernel on a small sample against its CPU reference. Nothing runs before "Run self-test".
 */
export default function LabPage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-3xl font-bold tracking-tight">Lab: test your GPU</h1>
        <p className="text-slate-600 dark:text-slate-400">
          Checks that this browser can donate: which graphics adapter WebGPU offers, and whether each kernel
          computes the same answers on it as our reference code on the CPU. Nothing runs on your GPU until you
          press the button; the test takes a few seconds.
        </p>
      </div>
      <LabPanel />
    </main>
  );
}
