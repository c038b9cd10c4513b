import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { getLeaderboard } from '@/lib/coordinator/rewards/get-leaderboard';
import { getDb } from '@/lib/db/client';
import { formatCredit } from '../jobs/_components/format';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Leaderboard — Spare Cycles' };

const th = 'px-3 py-2.5 font-medium sm:px-4';
const td = 'px-3 py-2.5 sm:px-4';

function Rank({ rank }: { rank: number }) {
  const medal =
    rank === 1
      ? 'bg-amber-400 text-amber-950'
      : rank === 2
        ? 'bg-slate-300 text-slate-900'
        : rank === 3
          ? 'bg-orange-300 text-orange-950'
          : '';
  return medal ? (
    <span
      className={`inline-flex size-6 items-center justify-center rounded-full text-xs font-bold ${medal}`}
    >
      {rank}
    </span>
  ) : (
    <span className="inline-flex size-6 items-center justify-center text-slate-500 dark:text-slate-400">
      {rank}
    </span>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
      {children}
    </p>
  );
}

/** One ranked table: rank, a name column, credit and a count that narrow screens hide. */
function BoardTable({
  caption,
  nameHeader,
  countHeader,
  children,
}: {
  caption: string;
  nameHeader: string;
  countHeader: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            <th scope="col" className={`${th} w-12`}>
              #
            </th>
            <th scope="col" className={th}>
              {nameHeader}
            </th>
            <th scope="col" className={`${th} text-right`}>
              Credit
            </th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>
              {countHeader}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

/**
 * `/leaderboard`: volunteers (one row per linked wallet, anonymous ones by a short id) and embedding
 * sites, ranked by verified credit straight from the credit ledger.
 */
export default async function LeaderboardPage() {
  const board = await getLeaderboard(await getDb(), { limit: 50 });
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-4 py-10 sm:px-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-3xl font-bold tracking-tight">Leaderboard</h1>
        <p className="max-w-prose text-slate-600 dark:text-slate-400">
          Verified credit in work units (10⁶ operations each): only results that passed verification count.
          Volunteers are anonymous unless they linked a wallet.
        </p>
      </div>

      <div className="grid gap-8 lg:grid-cols-[3fr_2fr] lg:items-start">
        <section aria-labelledby="volunteers-heading" className="flex min-w-0 flex-col gap-3">
          <h2 id="volunteers-heading" className="text-lg font-semibold">
            Top volunteers
          </h2>
          {board.volunteers.length === 0 ? (
            <Empty>
              No verified credit yet.{' '}
              <Link
                href="/"
                className="rounded text-emerald-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
              >
                Donate
              </Link>{' '}
              to be first.
            </Empty>
          ) : (
            <BoardTable
              caption="Top volunteers by verified credit"
              nameHeader="Volunteer"
              countHeader="Results"
            >
              {board.volunteers.map((v) => (
                <tr key={`${v.rank}-${v.label}`}>
                  <td className={td}>
                    <Rank rank={v.rank} />
                  </td>
                  <td className={`${td} font-mono`}>
                    {v.address ? (
                      <span title={v.address}>
                        <span className="sr-only">wallet </span>
                        {v.label}
                      </span>
                    ) : (
                      <span className="text-slate-700 dark:text-slate-300">
                        <span className="sr-only">anonymous volunteer </span>
                        {v.label}
                      </span>
                    )}
                    {v.address ? (
                      <span className="ml-2 rounded bg-emerald-50 px-1.5 py-px font-sans text-[11px] text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
                        wallet
                      </span>
                    ) : null}
                  </td>
                  <td className={`${td} text-right font-semibold tabular-nums`}>{formatCredit(v.credit)}</td>
                  <td
                    className={`${td} hidden text-right tabular-nums text-slate-600 sm:table-cell dark:text-slate-400`}
                  >
                    {v.results.toLocaleString('en-US')}
                  </td>
                </tr>
              ))}
            </BoardTable>
          )}
        </section>

        <section aria-labelledby="sites-heading" className="flex min-w-0 flex-col gap-3">
          <h2 id="sites-heading" className="text-lg font-semibold">
            Top sites
          </h2>
          {board.sites.length === 0 ? (
            <Empty>No site has donated through the widget yet.</Empty>
          ) : (
            <BoardTable
              caption="Top sites by credit donated through the widget"
              nameHeader="Site"
              countHeader="Volunteers"
            >
              {board.sites.map((s) => (
                <tr key={s.site}>
                  <td className={td}>
                    <Rank rank={s.rank} />
                  </td>
                  <td className={`${td} max-w-[12rem] truncate font-medium`} title={s.site}>
                    {s.site}
                  </td>
                  <td className={`${td} text-right font-semibold tabular-nums`}>{formatCredit(s.credit)}</td>
                  <td
                    className={`${td} hidden text-right tabular-nums text-slate-600 sm:table-cell dark:text-slate-400`}
                  >
                    {s.volunteers.toLocaleString('en-US')}
                  </td>
                </tr>
              ))}
            </BoardTable>
          )}
        </section>
      </div>
    </main>
  );
}
