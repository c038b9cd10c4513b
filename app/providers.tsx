'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { WagmiContext } from 'wagmi';
import { reconnect } from 'wagmi/actions';
import {
  loadWalletSettings,
  type WalletSettings,
  WalletSettingsContext,
} from './_components/wallet/wallet-settings';

/**
 * App-wide client state: React Query (wagmi's cache and our API reads) and the wallet.
 *
 * The chain comes from `GET /api/v1/config` at run time, so the wagmi config exists only after that
 * answer. Instead of swapping `WagmiProvider` in (which would remount the whole page — a running
 * donation included — when the answer arrives) the tree always holds the same providers and the
 * wagmi context simply gains its config; wallet components render behind `WalletGate` until then.
 * This is what `WagmiProvider` does minus its reconnect on every render: we reconnect once per
 * config (restoring a wallet connected on an earlier visit).
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } }),
  );
  const [settings, setSettings] = useState<WalletSettings>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    void loadWalletSettings().then((loaded) => {
      if (!cancelled) setSettings(loaded);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const wagmiConfig = settings.status === 'ready' ? settings.wagmi : undefined;
  useEffect(() => {
    if (wagmiConfig) void reconnect(wagmiConfig);
  }, [wagmiConfig]);

  return (
    <QueryClientProvider client={queryClient}>
      <WalletSettingsContext value={settings}>
        <WagmiContext value={wagmiConfig}>{children}</WagmiContext>
      </WalletSettingsContext>
    </QueryClientProvider>
  );
}
