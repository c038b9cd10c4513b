import { formatUnits } from 'viem';
import type { JobSummary } from '@/lib/protocol/jobs';

function cycle(units: string): string {
  return `${formatUnits(BigInt(units), 18)} CYCLE`;
}

/** A paid job's money: price, spent so far, what is still held and what went back to the payer. */
export function JobPayment({ payment }: { payment: JobSummary['payment'] }) {
  if (!payment) {
    return (
      <p className="mt-4 text-sm text-slate-600 dark:text-slate-400" data-testid="job-payment">
        Unpaid job: volunteers earn credit for it, no tokens.
      </p>
    );
  }
  const rows = [
    { label: 'Price per work unit', value: cycle(payment.pricePerWorkUnit), id: 'price' },
    { label: 'Spent', value: cycle(payment.spent), id: 'spent' },
    {
      label: payment.refunded === null ? 'Remaining (reserved)' : 'Returned to your balance',
      value: cycle(payment.refunded === null ? payment.remaining : payment.refunded),
      id: payment.refunded === null ? 'remaining' : 'refunded',
    },
  ];
  return (
    <section
      aria-labelledby="payment-heading"
      className="mt-5 border-t border-slate-200 pt-4 dark:border-slate-800"
    >
      <h3 id="payment-heading" className="text-sm font-semibold">
        Payment
      </h3>
      <dl className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="job-payment">
        {rows.map((row) => (
          <div key={row.id} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
            <dt className="text-xs text-slate-500 dark:text-slate-400">{row.label}</dt>
            <dd
              className="mt-0.5 font-mono text-sm font-semibold break-all"
              data-testid={`payment-${row.id}`}
            >
              {row.value}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
        {payment.refunded === null
          ? `Reserved ${cycle(payment.reserved)} at submission. Volunteers get each verified result's work units × the price, less a ${payment.feeBps / 100} % protocol fee; what is not spent returns to your balance when the job ends.`
          : 'The job ended; what it did not spend is back in your balance (withdraw it on /rewards).'}
      </p>
    </section>
  );
}
