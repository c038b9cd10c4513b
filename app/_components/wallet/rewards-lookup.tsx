'use client';

import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { browserApi } from '@/lib/api/api-call';
import { getRewards, listEpochs } from '@/lib/api/rewards-api';
import { addressSchema } from '@/lib/protocol/rewards';
import { formatTimestamp } from '../../jobs/_components/format';
import { primaryButton } from './button-styles';
import { formatCycle } from './format-cycle';
import { nextEpochAt } from './next-epoch';

type Eip1193 = { request(args: { method: string; params?: unknown }): Promise<unknown> };

/** The injected wallet, when the browser has one (no extension: null, and the page says what to add by hand). */
function injectedWallet(): Eip1193 | null {
  const ethereum = (globalThis as { ethereum?: Eip1193 }).ethereum;
  return ethereum && typeof ethereum.request === 'function' ? ethereum : null;
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="flex flex-col gap-0.5 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="font-mono text-sm font-semibold" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/**
 * Rewards for anyone, wallet extension or not: look an address up (read-only `GET /rewards/{address}`),
 * see when the next epoch is expected, add the CYCLE token to a wallet (`wallet_watchAsset`, EIP-747)
 * and follow each epoch's transaction. Addresses and hashes break anywhere (they have no words);
 * sentences around them wrap normally.
 */
export function RewardsLookup() {
  const [text, setText] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [watch, setWatch] = useState<string | null>(null);
  const rewards = useQuery({
    queryKey: ['rewards-lookup', address],
    enabled: address !== null,
    queryFn: () => getRewards(browserApi, address!),
  });
  const epochs = useQuery({ queryKey: ['epochs'], queryFn: () => listEpochs(browserApi) });
  const next = epochs.data ? nextEpochAt(epochs.data.epochs.map((e) => e.publishedAt)) : null;

  function lookUp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = addressSchema.safeParse(text.trim());
    if (!parsed.success) {
      setError(`The address ${parsed.error.issues[0]?.message ?? 'is not valid'}.`);
      return;
    }
    setError(null);
    setAddress(parsed.data);
  }

  async function addToken(token: string) {
    const wallet = injectedWallet();
    if (!wallet) return;
    try {
      const added = await wallet.request({
        method: 'wallet_watchAsset',
        params: { type: 'ERC20', options: { address: token, symbol: 'CYCLE', decimals: 18 } },
      });
      setWatch(added === false ? 'Your wallet did not add the token.' : 'CYCLE was added to your wallet.');
    } catch (cause) {
      setWatch(`Your wallet did not add the token (${(cause as Error).message}).`);
    }
  }

  const data = rewards.data;
  return (
    <section
      aria-labelledby="lookup-heading"
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 p-5 dark:border-slate-800"
    >
      <h2 id="lookup-heading" className="text-lg font-semibold">
        Look up any address
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="next-epoch">
        {next
          ? `The next epoch is expected around ${formatTimestamp(new Date(next).toISOString())}.`
          : epochs.data && epochs.data.epochs.length > 0
            ? `The last epoch was published ${formatTimestamp(epochs.data.epochs[0]!.publishedAt ?? new Date().toISOString())}; epochs close on the coordinator's schedule.`
            : 'No epoch has been published yet; the first closes on the coordinator’s schedule.'}
      </p>
      <form onSubmit={lookUp} noValidate className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <label htmlFor="lookup-address" className="text-sm font-medium">
            Wallet address{' '}
            <span className="font-normal text-slate-500 dark:text-slate-400">(no wallet needed)</span>
          </label>
          <input
            id="lookup-address"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="0x…"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'lookup-error' : undefined}
            className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
          />
        </div>
        <button type="submit" className={primaryButton}>
          Look up
        </button>
      </form>
      {error ? (
        <p id="lookup-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {rewards.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not look it up: {(rewards.error as Error).message}
        </p>
      ) : null}
      {data ? (
        <div className="flex flex-col gap-3" data-testid="lookup-result">
          <p className="text-sm">
            Rewards of <code className="font-mono break-all">{data.address}</code>
            {data.epoch !== null ? `, as of epoch ${data.epoch}` : ''}:
          </p>
          <dl className="grid grid-cols-1 gap-2 sm:grid-cols-2">
            <Figure
              label="Claimable now"
              value={data.claimable ? formatCycle(data.claimable) : '—'}
              testId="lookup-claimable"
            />
            <Figure
              label="Claimed"
              value={data.claimed ? formatCycle(data.claimed) : '—'}
              testId="lookup-claimed"
            />
            <Figure
              label="In published roots (total)"
              value={formatCycle(data.cumulative)}
              testId="lookup-cumulative"
            />
            <Figure
              label="Waiting for the next epoch"
              value={formatCycle(data.pending)}
              testId="lookup-pending"
            />
          </dl>
          {data.chainError ? (
            <p className="text-sm text-amber-800 dark:text-amber-300">{data.chainError}</p>
          ) : null}
          {data.history.length > 0 ? (
            <ul className="flex flex-col gap-1 text-sm" aria-label="Epochs this address appears in">
              {data.history.map((h) => (
                <li key={h.epoch}>
                  Epoch {h.epoch}: {formatCycle(h.cumulative)} in total
                  {h.txHash ? (
                    <>
                      {' '}
                      · root published in transaction{' '}
                      <code className="font-mono text-xs break-all">{h.txHash}</code>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {data?.tokenAddress ? (
        <div className="flex flex-col gap-1 text-sm">
          <p>
            The CYCLE token is <code className="font-mono break-all">{data.tokenAddress}</code> (18 decimals)
            on chain {data.chainId}.
          </p>
          {injectedWallet() ? (
            <div>
              <button
                type="button"
                onClick={() => void addToken(data.tokenAddress!)}
                className="rounded text-emerald-700 underline underline-offset-2 hover:text-emerald-800 focus-visible:outline-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
              >
                Add CYCLE to your wallet
              </button>
            </div>
          ) : (
            <p className="text-slate-600 dark:text-slate-400">
              No wallet extension here: add the token by hand in your wallet app with the address above.
            </p>
          )}
          {watch ? <p role="status">{watch}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
