'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Address, Hex } from 'viem';
import {
  useConnection,
  useReadContract,
  useSwitchChain,
  useWaitForTransactionReceipt,
  useWriteContract,
} from 'wagmi';
import { browserApi } from '@/lib/api/api-call';
import { getRewards } from '@/lib/api/rewards-api';
import { rewardDistributorAbi, spareCyclesTokenAbi } from '@/lib/chain/generated/contracts';
import { shortHex } from '@/lib/chain/short-hex';
import { primaryButton } from './button-styles';
import { describeWalletError, formatCycle } from './format-cycle';
import { StatusLine, type StatusMessage } from './status-line';
import type { RewardChainSettings } from './wallet-settings';

function Amount({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId: string;
  hint?: string;
}) {
  return (
    <div className="flex flex-col gap-1 rounded-lg bg-slate-50 p-4 dark:bg-slate-900">
      <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="font-mono text-lg font-semibold break-all" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="text-xs text-slate-600 dark:text-slate-400">{hint}</dd>}
    </div>
  );
}

/**
 * The connected wallet's rewards: what it can claim now (cumulative − already claimed), what it
 * claimed, what waits for the next epoch, its CYCLE balance and the per-epoch history, plus the
 * Claim button, which sends `claim(account, cumulative, proof)` with the proof the coordinator
 * serves and follows the transaction until it is confirmed.
 */
export function RewardsPanel({ address, chain }: { address: Address; chain: RewardChainSettings }) {
  const connection = useConnection();
  const rewards = useQuery({
    queryKey: ['rewards', address.toLowerCase()],
    queryFn: () => getRewards(browserApi, address),
    refetchInterval: 15_000,
  });
  const balance = useReadContract({
    address: chain.tokenAddress,
    abi: spareCyclesTokenAbi,
    functionName: 'balanceOf',
    args: [address],
    chainId: chain.chainId,
  });
  const { switchChainAsync } = useSwitchChain();
  const [switchError, setSwitchError] = useState<unknown>(null);
  const write = useWriteContract();
  const receipt = useWaitForTransactionReceipt({ hash: write.data, chainId: chain.chainId });

  const { refetch: refetchRewards } = rewards;
  const { refetch: refetchBalance } = balance;
  useEffect(() => {
    if (receipt.isSuccess) {
      void refetchRewards();
      void refetchBalance();
    }
  }, [receipt.isSuccess, refetchRewards, refetchBalance]);

  if (rewards.isPending) return <p role="status">Loading your rewards…</p>;
  if (rewards.isError) {
    return (
      <p role="alert" className="text-red-700 dark:text-red-400">
        Your rewards could not be loaded: {rewards.error.message}
      </p>
    );
  }
  const data = rewards.data;
  const claimable = data.claimable === null ? null : BigInt(data.claimable);
  const busy = write.isPending || (write.data !== undefined && receipt.isPending);
  const canClaim = claimable !== null && claimable > 0n && !busy;

  const claim = async () => {
    write.reset();
    setSwitchError(null);
    try {
      // wagmi refuses to write on another chain than the one asked for: switch the wallet first.
      if (connection.chainId !== chain.chainId) await switchChainAsync({ chainId: chain.chainId });
    } catch (error) {
      setSwitchError(error);
      return;
    }
    write.writeContract({
      address: chain.distributorAddress,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [address, BigInt(data.cumulative), data.proof as Hex[]],
      chainId: chain.chainId,
    });
  };

  let status: StatusMessage | null = null;
  if (switchError)
    status = {
      text: `Switch your wallet to chain ${chain.chainId} first: ${describeWalletError(switchError)}`,
      tone: 'error',
    };
  else if (write.isPending) status = { text: 'Confirm the claim in your wallet…', tone: 'info' };
  else if (write.error)
    status = { text: `Claim not sent: ${describeWalletError(write.error)}`, tone: 'error' };
  else if (write.data && receipt.isPending)
    status = { text: `Transaction ${shortHex(write.data)} sent; waiting for confirmation…`, tone: 'info' };
  else if (write.data && receipt.isError)
    status = { text: `The transaction failed: ${describeWalletError(receipt.error)}`, tone: 'error' };
  else if (receipt.data?.status === 'reverted')
    status = {
      text: `Transaction ${shortHex(receipt.data.transactionHash)} reverted: nothing was paid.`,
      tone: 'error',
    };
  else if (receipt.data?.status === 'success')
    status = { text: `Claim confirmed in block ${receipt.data.blockNumber}.`, tone: 'success' };

  return (
    <div className="flex flex-col gap-5">
      {data.epoch === null ? (
        <p>No reward epoch has been published yet. Earnings from paid jobs are added to the next one.</p>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Epoch {data.epoch}, root <span className="font-mono">{shortHex(data.root ?? '')}</span>.
        </p>
      )}
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Amount
          label="Claimable now"
          testId="claimable"
          value={claimable === null ? 'unknown' : formatCycle(claimable)}
        />
        <Amount
          label="Already claimed"
          testId="claimed"
          value={data.claimed === null ? 'unknown' : formatCycle(data.claimed)}
        />
        <Amount
          label="Total earned (latest epoch)"
          testId="cumulative"
          value={formatCycle(data.cumulative)}
        />
        <Amount
          label="Waiting for the next epoch"
          testId="pending"
          value={formatCycle(data.pending)}
          hint="Earnings from paid jobs and withdrawals not yet in a published root."
        />
        <Amount
          label="CYCLE in this wallet"
          testId="balance"
          value={balance.data === undefined ? '…' : formatCycle(balance.data)}
        />
      </dl>
      {data.chainError && (
        <p role="alert" className="text-amber-800 dark:text-amber-300">
          {data.chainError} Claimed amounts cannot be shown until the chain answers.
        </p>
      )}
      <div className="flex flex-col gap-3">
        <div>
          <button type="button" className={primaryButton} disabled={!canClaim} onClick={() => void claim()}>
            {busy
              ? 'Claiming…'
              : claimable !== null && claimable > 0n
                ? `Claim ${formatCycle(claimable)}`
                : 'Nothing to claim'}
          </button>
        </div>
        <StatusLine message={status} testId="claim-status" />
      </div>
      <section aria-labelledby="reward-history" className="flex flex-col gap-2">
        <h3 id="reward-history" className="font-semibold">
          History
        </h3>
        {data.history.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            This wallet is in no published epoch yet.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Cumulative amount of this wallet in each published epoch</caption>
              <thead className="text-slate-600 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Epoch
                  </th>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Total earned
                  </th>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Published
                  </th>
                  <th scope="col" className="py-1 font-medium">
                    Transaction
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.history.map((h) => (
                  <tr key={h.epoch} className="border-t border-slate-200 dark:border-slate-800">
                    <td className="py-1 pr-4">{h.epoch}</td>
                    <td className="py-1 pr-4 font-mono">{formatCycle(h.cumulative)}</td>
                    <td className="py-1 pr-4">
                      {h.publishedAt ? new Date(h.publishedAt).toLocaleString() : '—'}
                    </td>
                    <td className="py-1 font-mono" title={h.txHash ?? undefined}>
                      {h.txHash ? shortHex(h.txHash) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
