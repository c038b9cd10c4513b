'use client';

import { useState } from 'react';
import { formatUnits, parseUnits } from 'viem';
import { browserApi } from '@/lib/api/api-call';
import { fetchMe } from '@/lib/api/volunteer-api';
import type { JobCostEstimate } from './estimate-job-cost';
import {
  buttonSecondary,
  cardClass,
  errorClass,
  helpClass,
  inputBorder,
  inputClass,
  labelClass,
} from './field-styles';
import { storedIdentity } from './submitter-identity';

/** The form's payment choice: unpaid, or a price in CYCLE per work unit (as typed). */
export interface PaymentChoice {
  paid: boolean;
  price: string;
}

/** `price` (CYCLE per work unit, as typed) in token units, or an error message. */
export function priceTokenUnits(price: string): bigint | string {
  const text = price.trim();
  if (!/^[0-9]+(\.[0-9]{1,18})?$/.test(text))
    return 'Enter a price in CYCLE, e.g. 0.001 (at most 18 decimals).';
  const units = parseUnits(text, 18);
  if (units === 0n) return 'The price must be above zero; leave "Pay volunteers" unticked for an unpaid job.';
  return units;
}

function cycle(units: bigint | string): string {
  return `${formatUnits(BigInt(units), 18)} CYCLE`;
}

/**
 * The payment part of `/jobs/new`: pay volunteers or not, the price, and on request the estimated
 * (worst-case) cost next to the submitter's balance, with what happens to unspent funds.
 */
export function PaymentFields({
  choice,
  onChange,
  error,
  estimate,
}: {
  choice: PaymentChoice;
  onChange(choice: PaymentChoice): void;
  error?: string;
  /** Splits and prices the job as filled in now (throws with a message when it cannot be split). */
  estimate(price: bigint): Promise<JobCostEstimate & { maxResults: number }>;
}) {
  const [result, setResult] = useState<
    | { state: 'idle' }
    | { state: 'busy' }
    | {
        state: 'done';
        estimate: JobCostEstimate & { maxResults: number };
        balance: string | null;
        reserved: string;
      }
    | { state: 'error'; message: string }
  >({ state: 'idle' });

  async function run() {
    const price = priceTokenUnits(choice.price);
    if (typeof price === 'string') {
      setResult({ state: 'error', message: price });
      return;
    }
    setResult({ state: 'busy' });
    try {
      const computed = await estimate(price);
      const identity = storedIdentity();
      let balance: string | null = null;
      let reserved = '0';
      if (identity) {
        const me = await fetchMe(browserApi, identity.token).catch(() => null);
        if (me) {
          balance = me.address ? me.balance : null;
          reserved = me.reserved;
        }
      }
      setResult({ state: 'done', estimate: computed, balance, reserved });
    } catch (cause) {
      setResult({ state: 'error', message: cause instanceof Error ? cause.message : String(cause) });
    }
  }

  return (
    <div className={cardClass}>
      <fieldset id="payment" tabIndex={-1}>
        <legend className="text-lg font-semibold">Payment</legend>
        <p className={helpClass}>
          Unpaid jobs earn volunteers credit (work units, for the leaderboard) but no tokens. A paid job pays
          each verified result its work units × your price in CYCLE, less the protocol fee; the worst case is
          reserved from your balance when you submit.
        </p>
        <label className="mt-4 flex items-center gap-2 text-sm font-medium">
          <input
            type="checkbox"
            checked={choice.paid}
            onChange={(event) => onChange({ ...choice, paid: event.target.checked })}
            className="h-4 w-4 accent-emerald-600"
          />
          Pay volunteers for this job
        </label>
        {choice.paid ? (
          <div className="mt-4 flex flex-col gap-3">
            <div>
              <label htmlFor="payment-price" className={labelClass}>
                Price per work unit (CYCLE)
              </label>
              <input
                id="payment-price"
                inputMode="decimal"
                value={choice.price}
                onChange={(event) => {
                  onChange({ ...choice, price: event.target.value });
                  setResult({ state: 'idle' });
                }}
                aria-invalid={error ? true : undefined}
                aria-describedby={`payment-price-help${error ? ' payment-error' : ''}`}
                className={`mt-1 ${inputClass} ${inputBorder(Boolean(error))} tabular-nums`}
              />
              <p id="payment-price-help" className={helpClass}>
                One work unit is 10⁶ operations (a multiply-add counts 2).
              </p>
              {error ? (
                <p id="payment-error" className={errorClass}>
                  {error}
                </p>
              ) : null}
            </div>
            <div>
              <button type="button" className={buttonSecondary} onClick={() => void run()}>
                {result.state === 'busy' ? 'Estimating…' : 'Estimate cost'}
              </button>
            </div>
            <div role="status" aria-live="polite" data-testid="payment-estimate" className="text-sm">
              {result.state === 'error' ? <p className={errorClass}>{result.message}</p> : null}
              {result.state === 'done' ? (
                <div className="flex flex-col gap-1">
                  <p>
                    Estimated cost: at most <strong>{cycle(result.estimate.maxCost)}</strong> (
                    {result.estimate.shards} shards, {Number(result.estimate.workUnits.toPrecision(6))} work
                    units × price × up to {result.estimate.maxResults} results per shard).
                  </p>
                  <p data-testid="payment-balance">
                    {result.balance === null
                      ? 'Your balance: none yet — link a wallet and deposit on /rewards first.'
                      : `Your balance: ${cycle(result.balance)} available, ${cycle(result.reserved)} reserved by running jobs.`}
                    {result.balance !== null && BigInt(result.balance) < result.estimate.maxCost
                      ? ` Deposit ${cycle(result.estimate.maxCost - BigInt(result.balance))} more to submit it.`
                      : ''}
                  </p>
                  <p className={helpClass}>
                    You only pay for verified results. Whatever is not spent returns to your balance when the
                    job completes, fails or is cancelled; withdraw it on /rewards.
                  </p>
                </div>
              ) : null}
            </div>
          </div>
        ) : null}
      </fieldset>
    </div>
  );
}
