'use client';

import { stateDotColour } from '../../_components/donate/state-dot';
import { useVolunteer } from '../../_components/donate/use-volunteer';
import { buttonPrimary, buttonSecondary, cardClass } from './field-styles';
import { formatCredit } from './format';

/**
 * "Donate from this browser" on an unfinished job's page: the donate page's own volunteer (the same
 * hook and identity), so a submitter waiting on volunteers can be one. Nothing runs before the click.
 */
export function DonateHere({ waiting }: { waiting: boolean }) {
  const { view, start, stop } = useVolunteer();
  const active = view.state === 'starting' || view.state === 'running' || view.state === 'paused';
  const fatal = view.lastError?.fatal ? view.lastError : null;
  return (
    <section aria-labelledby="donate-here-heading" className={cardClass} data-testid="donate-here">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <h2 id="donate-here-heading" className="text-lg font-semibold">
            Donate from this browser
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {waiting
              ? 'This job waits for volunteers: your GPU can be one. It computes shards of queued jobs, oldest first, until you stop.'
              : 'Lend this browser’s GPU to this and other queued jobs until you stop.'}
          </p>
        </div>
        <button
          type="button"
          onClick={active ? stop : start}
          disabled={!view.ready}
          className={active ? buttonSecondary : buttonPrimary}
          data-state={view.state}
        >
          {active ? 'Stop donating' : 'Donate from this browser'}
        </button>
      </div>
      {view.state !== 'idle' ? (
        <p className="mt-3 flex items-start gap-2 text-sm" role="status" data-testid="donate-here-status">
          <span
            aria-hidden="true"
            className={`mt-1.5 size-2 shrink-0 rounded-full ${stateDotColour[view.state]}`}
          />
          <span>
            {fatal
              ? `Could not donate: ${fatal.message}`
              : view.state === 'starting'
                ? 'Starting: preparing your GPU…'
                : `${view.shardsDone} shards computed here${
                    view.credit
                      ? ` · ${formatCredit(view.credit.credit.pending)} work units awaiting verification · ${formatCredit(view.credit.credit.verified)} verified`
                      : ''
                  }${view.noWork ? ' · no shard this browser may take right now' : ''}${view.state === 'stopped' ? ' · stopped' : ''}`}
          </span>
        </p>
      ) : null}
    </section>
  );
}
