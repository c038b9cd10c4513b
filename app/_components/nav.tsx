'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The site's sections, in the order people meet them. */
const links = [
  { href: '/', label: 'Donate' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/leaderboard', label: 'Leaderboard' },
  { href: '/rewards', label: 'Rewards' },
  { href: '/lab', label: 'Lab' },
] as const;

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * The site header: brand plus the five sections. A client component only to mark the current
 * section (`aria-current="page"`), which screen readers announce.
 */
export function SiteNav() {
  const pathname = usePathname() ?? '/';
  // The widget's card (/embed) lives in an iframe on other sites: no site header there.
  if (pathname === '/embed' || pathname.startsWith('/embed/')) return null;
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
      {/* One row at every width: on phones the brand shrinks to its mark so the five links fit unwrapped. */}
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-x-3 px-3 py-3 sm:gap-x-6 sm:px-6">
        <Link
          href="/"
          className="rounded font-semibold tracking-tight text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-slate-100"
        >
          <span aria-hidden="true" className="text-emerald-600 sm:mr-1.5 dark:text-emerald-400">
            ◆
          </span>
          <span className="sr-only sm:not-sr-only">Spare Cycles</span>
        </Link>
        <nav aria-label="Main">
          <ul className="flex gap-x-0.5 text-sm sm:gap-x-1">
            {links.map(({ href, label }) => {
              const current = isCurrent(pathname, href);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    aria-current={current ? 'page' : undefined}
                    className={`block rounded-md px-2 py-1.5 whitespace-nowrap sm:px-2.5 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 ${
                      current
                        ? 'bg-slate-100 font-medium text-slate-900 dark:bg-slate-800 dark:text-white'
                        : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white'
                    }`}
                  >
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>
    </header>
  );
}
