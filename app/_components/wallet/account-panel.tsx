'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { type Address, parseUnits } from 'viem';
import { useConnection, useSwitchChain, useWaitForTransactionReceipt, useWriteContract } from 'wagmi';
import { ApiRequestError, browserApi } from '@/lib/api/api-call';
import { withdrawBalance } from '@/lib/api/rewards-api';
import { fetchMe } from '@/lib/api/volunteer-api';
import { rewardDistributorAbi } from '@/lib/chain/generated/contracts';
import { shortHex } from '@/lib/chain/short-hex';
import { primaryButton, secondaryButton } from './button-styles';
import { describeWalletError, formatCycle } from './format-cycle';
import { StatusLine, type StatusMessage } from './status-line';
import { useVolunteerIdentity } from './use-volunteer-identity';
import type { RewardChainSettings } from './wallet-settings';

const inputClass =
  'w-40 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm tabular-nums focus-visible:outline-2 focus-visible:outline-emerald-600 dark:border-slate-700 dark:bg-slate-950';

/** `text` (CYCLE, as typed) in token units, or an error message. */
function cycleUnits(text: string): bigint | string {
  const trimmed = text.trim();
  if (!/^[0-9]+(\.[0-9]{1,18})?$/.test(trimmed)) return 'Enter an amount in CYCLE, e.g. 1.5.';
  const units = parseUnits(trimmed, 18);
  return units > 0n ? units : 'Enter an amount above zero.';
}

function Figure({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId: string;
  hint: string;
}) {
  return (
    <div className="flex flex-col gap-1 rounded-lg bg-slate-50 p-4 dark:bg-slate-900">
      <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="font-mono text-lg font-semibold break-all" data-testid={testId}>
        {value}
      </dd>
      <dd className="text-xs text-slate-600 dark:text-slate-400">{hint}</dd>
    </div>
  );
}

/**
 * Money apart from credit, for this browser's volunteer: what it earned from paid jobs (CYCLE),
 * its credit (work units, no money), and — for the linked wallet — the balance that pays for jobs:
 * deposit CYCLE into the distributor (one transaction, no approval), or withdraw unreserved balance
 * so it becomes claimable in the next epoch.
 */
export function AccountPanel({ address, chain }: { address: Address; chain: RewardChainSettings }) {
  const { identity } = useVolunteerIdentity();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const { switchChainAsync } = useSwitchChain();
  const me = useQuery({
    queryKey: ['volunteer-me', identity?.token],
    enabled: identity !== null,
    queryFn: () => fetchMe(browserApi, identity!.token),
    refetchInterval: 10_000,
  });

  const [depositText, setDepositText] = useState('');
  const [withdrawText, setWithdrawText] = useState('');
  const [message, setMessage] = useState<StatusMessage | null>(null);
  const deposit = useWriteContract();
  const receipt = useWaitForTransactionReceipt({ hash: deposit.data, chainId: chain.chainId });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['volunteer-me'] });
    void queryClient.invalidateQueries({ queryKey: ['rewards'] });
    void queryClient.invalidateQueries({ queryKey: ['readContract'] });
  };

  useEffect(() => {
    if (receipt.data?.status === 'success') {
      setMessage({
        text: `Deposit confirmed in block ${receipt.data.blockNumber}; it is in your balance.`,
        tone: 'success',
      });
      void queryClient.invalidateQueries({ queryKey: ['volunteer-me'] });
      void queryClient.invalidateQueries({ queryKey: ['readContract'] });
    } else if (receipt.data?.status === 'reverted') {
      setMessage({ text: 'The deposit transaction reverted: nothing was moved.', tone: 'error' });
    }
  }, [receipt.data, queryClient]);

  const withdraw = useMutation({
    mutationFn: (amount: bigint) => withdrawBalance(browserApi, identity!.token, amount),
    onSuccess: (result) => {
      setWithdrawText('');
      setMessage({
        text: `Withdrew ${formatCycle(result.amount)}: claimable once the next epoch is published.`,
        tone: 'success',
      });
      refresh();
    },
    onError: (error) =>
      setMessage({
        text: `Not withdrawn: ${error instanceof ApiRequestError ? (error.apiMessage ?? error.message) : error.message}`,
        tone: 'error',
      }),
  });

  async function sendDeposit(event: FormEvent) {
    event.preventDefault();
    const amount = cycleUnits(depositText);
    if (typeof amount === 'string') {
      setMessage({ text: amount, tone: 'error' });
      return;
    }
    deposit.reset();
    try {
      if (connection.chainId !== chain.chainId) await switchChainAsync({ chainId: chain.chainId });
    } catch (error) {
      setMessage({
        text: `Switch your wallet to chain ${chain.chainId} first: ${describeWalletError(error)}`,
        tone: 'error',
      });
      return;
    }
    setMessage({ text: 'Confirm the deposit in your wallet…', tone: 'info' });
    deposit.writeContract(
      {
        address: chain.distributorAddress,
        abi: rewardDistributorAbi,
        functionName: 'deposit',
        args: [amount],
        chainId: chain.chainId,
      },
      {
        onSuccess: (hash) => {
          setDepositText('');
          setMessage({ text: `Deposit ${shortHex(hash)} sent; waiting for confirmation…`, tone: 'info' });
        },
        onError: (error) =>
          setMessage({ text: `Deposit not sent: ${describeWalletError(error)}`, tone: 'error' }),
      },
    );
  }

  function sendWithdrawal(event: FormEvent) {
    event.preventDefault();
    const amount = cycleUnits(withdrawText);
    if (typeof amount === 'string') {
      setMessage({ text: amount, tone: 'error' });
      return;
    }
    withdraw.mutate(amount);
  }

  if (!identity) return <p>Donate or link a wallet first: your earnings and balance appear here.</p>;
  if (me.isPending) return <p role="status">Loading your balance…</p>;
  if (me.isError) {
    return (
      <p role="alert" className="text-red-700 dark:text-red-400">
        Your balance could not be loaded: {me.error.message}
      </p>
    );
  }
  const data = me.data;
  const linked = data.address !== null && data.address === address.toLowerCase();
  const depositing = deposit.isPending || (deposit.data !== undefined && receipt.isPending);

  return (
    <div className="flex flex-col gap-5">
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Figure
          label="Earned from paid jobs"
          testId="earnings"
          value={formatCycle(data.earnings)}
          hint="Tokens for verified results of jobs someone paid for (after the protocol fee)."
        />
        <Figure
          label="Credit"
          testId="credit"
          value={`${Number(data.credit.verified.toPrecision(6))} work units`}
          hint="All your verified work; it ranks you on the leaderboard and pays nothing by itself."
        />
        <Figure
          label="Balance for paying jobs"
          testId="account-balance"
          value={formatCycle(data.balance)}
          hint="Deposits and grants not yet spent or reserved."
        />
        <Figure
          label="Reserved by running jobs"
          testId="account-reserved"
          value={formatCycle(data.reserved)}
          hint="Returned to the balance, less what was paid, when each job ends."
        />
      </dl>
      {!linked ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          Link this wallet above (step 2) to deposit and withdraw: the balance belongs to the linked wallet.
        </p>
      ) : (
        <div className="flex flex-col gap-4">
          <form onSubmit={(event) => void sendDeposit(event)} className="flex flex-wrap items-end gap-3">
            <div className="flex flex-col gap-1">
              <label htmlFor="deposit-amount" className="text-sm font-medium">
                Deposit CYCLE
              </label>
              <input
                id="deposit-amount"
                inputMode="decimal"
                value={depositText}
                onChange={(event) => setDepositText(event.target.value)}
                className={inputClass}
                placeholder="1.0"
              />
            </div>
            <button type="submit" className={primaryButton} disabled={depositing}>
              {depositing ? 'Depositing…' : 'Deposit'}
            </button>
          </form>
          <form onSubmit={sendWithdrawal} className="flex flex-wrap items-end gap-3">
            <div className="flex flex-col gap-1">
              <label htmlFor="withdraw-amount" className="text-sm font-medium">
                Withdraw CYCLE
              </label>
              <input
                id="withdraw-amount"
                inputMode="decimal"
                value={withdrawText}
                onChange={(event) => setWithdrawText(event.target.value)}
                className={inputClass}
                placeholder="1.0"
              />
            </div>
            <button type="submit" className={secondaryButton} disabled={withdraw.isPending}>
              {withdraw.isPending ? 'Withdrawing…' : 'Withdraw'}
            </button>
          </form>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Deposits move CYCLE from this wallet into the distributor and pay for your jobs; withdrawals
            become claimable (step 3) once the next epoch is published.
          </p>
        </div>
      )}
      <StatusLine message={message} testId="account-status" />
    </div>
  );
}
