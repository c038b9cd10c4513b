'use client';

import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from 'wagmi';
import { shortHex } from '@/lib/chain/short-hex';
import { secondaryButton } from './button-styles';
import { describeWalletError } from './format-cycle';

/**
 * Connect / disconnect a browser wallet. Lists every wallet that announced itself through EIP-6963
 * (name and icon, as the wallet provides them); the generic "Browser wallet" entry is shown only
 * when no wallet announced itself but `window.ethereum` exists. Offers to switch networks when the
 * wallet is on another chain than the rewards.
 */
export function ConnectWallet({ chainId }: { chainId: number }) {
  const connection = useConnection();
  const connectors = useConnectors();
  const { connect, isPending, variables, error, reset } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain, isPending: switching, error: switchError } = useSwitchChain();

  if (connection.status === 'connected') {
    return (
      <div className="flex flex-col gap-3">
        <p className="flex flex-wrap items-center gap-2">
          {connection.connector.icon && (
            // biome-ignore lint/performance/noImgElement: a wallet's data-URI icon, not an optimisable asset
            <img src={connection.connector.icon} alt="" width={20} height={20} className="rounded" />
          )}
          <span>
            Connected with {connection.connector.name}:{' '}
            <span className="font-mono break-all" title={connection.address} data-testid="connected-address">
              {connection.address}
            </span>
          </span>
        </p>
        {connection.chainId !== chainId && (
          <p role="alert" className="flex flex-wrap items-center gap-3 text-amber-800 dark:text-amber-300">
            Your wallet is on chain {connection.chainId}; rewards are paid on chain {chainId}.
            <button
              type="button"
              className={secondaryButton}
              disabled={switching}
              onClick={() => switchChain({ chainId })}
            >
              {switching ? 'Switching…' : `Switch to chain ${chainId}`}
            </button>
          </p>
        )}
        {switchError && <p role="alert">{describeWalletError(switchError)}</p>}
        <div>
          <button type="button" className={secondaryButton} onClick={() => disconnect()}>
            Disconnect {shortHex(connection.address)}
          </button>
        </div>
      </div>
    );
  }

  const announced = connectors.filter((c) => c.id !== 'injected');
  const hasInjected = typeof window !== 'undefined' && 'ethereum' in window;
  const choices = announced.length > 0 ? announced : connectors.filter(() => hasInjected);

  return (
    <div className="flex flex-col gap-3">
      {choices.length === 0 ? (
        <p>
          No browser wallet found. Install one (for example MetaMask, Rabby or Coinbase Wallet) and reload
          this page.
        </p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Wallets found in this browser">
          {choices.map((connector) => (
            <li key={connector.uid}>
              <button
                type="button"
                className={secondaryButton}
                disabled={isPending}
                onClick={() => {
                  reset();
                  connect({ connector, chainId });
                }}
              >
                {connector.icon && (
                  // biome-ignore lint/performance/noImgElement: a wallet's data-URI icon, not an optimisable asset
                  <img src={connector.icon} alt="" width={20} height={20} className="rounded" />
                )}
                {isPending && variables?.connector === connector
                  ? `Connecting ${connector.name}…`
                  : `Connect ${connector.id === 'injected' ? 'browser wallet' : connector.name}`}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {describeWalletError(error)}
        </p>
      )}
    </div>
  );
}
