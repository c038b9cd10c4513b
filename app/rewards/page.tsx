import type { Metadata } from 'next';
import Link from 'next/link';
import { RewardsDashboard } from '../_components/wallet/rewards-dashboard';
import { RewardsLookup } from '../_components/wallet/rewards-lookup';

export const metadata: Metadata = {
  title: 'Rewards — Spare Cycles',
  description: 'Connect a wallet, link it to your volunteer and claim your verified credit as CYCLE tokens.',
};

export default function RewardsPage() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-10 sm:px-6 sm:py-16">
      <h1 className="text-4xl font-bold tracking-tight">Rewards</h1>
      <p className="max-w-prose text-slate-700 dark:text-slate-300">
        Every verified result you donate earns credit. Link a wallet and the credit is paid as CYCLE tokens:
        the coordinator publishes a Merkle root of everyone&apos;s total credit each epoch, and you claim what
        you are owed from the reward contract whenever you like. Claims never expire, and nothing can be paid
        twice.{' '}
        <Link
          href="/api/v1/epochs"
          className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-emerald-400 dark:hover:text-emerald-300"
        >
          Every epoch&apos;s tree is public.
        </Link>
      </p>
      <RewardsDashboard />
      <RewardsLookup />
    </main>
  );
}
