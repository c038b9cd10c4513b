import Link from 'next/link';
import { kernels } from '@/lib/kernels/registry';
import { DonatePanel } from './_components/donate/donate-panel';

export default function DonatePage() {
  return (
    <main className="mx-auto grid max-w-5xl gap-10 px-4 py-10 sm:px-6 sm:py-16 lg:grid-cols-[minmax(0,1fr)_26rem] lg:items-start">
      <div className="flex flex-col gap-6">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">Spare Cycles</h1>
        <p className="max-w-prose text-lg leading-relaxed text-slate-700 dark:text-slate-300">
          Spare Cycles lends your idle GPU to people who need computing: press Donate and this tab runs small
          pieces of real jobs as WebGPU compute shaders in a background worker. Every result is checked before
          it counts, nothing runs until you press Donate, and Stop always works.
        </p>
        {/* From the registry, so a new kernel shows up here without this page learning its name. */}
        <section aria-labelledby="kernels-heading" className="flex max-w-prose flex-col gap-2">
          <h2 id="kernels-heading" className="text-sm font-semibold text-slate-900 dark:text-slate-100">
            What your GPU may compute
          </h2>
          <ul
            className="flex flex-col gap-1.5 text-sm text-slate-600 dark:text-slate-400"
            data-testid="home-kernels"
          >
            {Object.values(kernels).map((kernel) => (
              <li key={kernel.name}>
                <span className="font-mono font-medium text-slate-900 dark:text-slate-100">
                  {kernel.name}
                </span>{' '}
                — {kernel.description}
              </li>
            ))}
          </ul>
        </section>
        <ul className="flex max-w-prose flex-col gap-2 text-sm text-slate-600 dark:text-slate-400">
          <li>
            <span className="font-medium text-slate-900 dark:text-slate-100">You stay in control.</span> Set
            how much of the time your GPU works; it pauses while this tab is hidden or your battery is low.
          </li>
          <li>
            <span className="font-medium text-slate-900 dark:text-slate-100">No sign-up.</span> This browser
            keeps an anonymous volunteer identity, so your credit adds up across visits.
          </li>
          <li>
            <span className="font-medium text-slate-900 dark:text-slate-100">
              Verified credit, real tokens.
            </span>{' '}
            <Link
              href="/rewards"
              className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-emerald-400 dark:hover:text-emerald-300"
            >
              Connect a wallet and claim your credit on the Rewards page
            </Link>
            .
          </li>
        </ul>
      </div>
      <DonatePanel />
    </main>
  );
}
