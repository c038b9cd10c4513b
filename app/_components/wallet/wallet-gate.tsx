'use client';

import type { ReactNode } from 'react';
import { useWalletSettings, type WalletSettings } from './wallet-settings';

type Ready = Extract<WalletSettings, { status: 'ready' }>;

/**
 * Renders `children` only once the chain settings are loaded (wagmi hooks need their config), and a
 * short explanation meanwhile or when this server pays no rewards.
 */
export function WalletGate({ children }: { children: (settings: Ready) => ReactNode }) {
  const settings = useWalletSettings();
  if (settings.status === 'ready') return children(settings);
  const text =
    settings.status === 'loading'
      ? 'Loading the reward chain settings…'
      : settings.status === 'no-chain'
        ? 'This server pays no on-chain rewards: no chain is configured (RPC_URL, DISTRIBUTOR_ADDRESS).'
        : `The reward settings could not be loaded: ${settings.message}`;
  return (
    <p
      role={settings.status === 'error' ? 'alert' : 'status'}
      className="rounded-lg border border-slate-200 p-4 text-slate-700 dark:border-slate-800 dark:text-slate-300"
    >
      {text}
    </p>
  );
}
