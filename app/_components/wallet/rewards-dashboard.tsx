'use client';

import { useConnection } from 'wagmi';
import { AccountPanel } from './account-panel';
import { panel } from './button-styles';
import { ConnectWallet } from './connect-wallet';
import { RewardsPanel } from './rewards-panel';
import { SignInWithEthereum } from './sign-in-with-ethereum';
import { WalletGate } from './wallet-gate';
import type { RewardChainSettings } from './wallet-settings';

function Steps({ chain }: { chain: RewardChainSettings }) {
  const connection = useConnection();
  const address = connection.status === 'connected' ? connection.address : undefined;
  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="step-wallet" className={panel}>
        <h2 id="step-wallet" className="mb-3 text-xl font-semibold">
          1. Connect a wallet
        </h2>
        <ConnectWallet chainId={chain.chainId} />
      </section>
      {address && (
        <section aria-labelledby="step-link" className={panel}>
          <h2 id="step-link" className="mb-3 text-xl font-semibold">
            2. Link it to this browser
          </h2>
          <SignInWithEthereum address={address} chainId={chain.chainId} />
        </section>
      )}
      {address && (
        <section aria-labelledby="step-claim" className={panel}>
          <h2 id="step-claim" className="mb-3 text-xl font-semibold">
            3. Claim your CYCLE
          </h2>
          <RewardsPanel address={address} chain={chain} />
        </section>
      )}
      {address && (
        <section aria-labelledby="step-account" className={panel}>
          <h2 id="step-account" className="mb-3 text-xl font-semibold">
            4. Earnings, credit and balance
          </h2>
          <AccountPanel address={address} chain={chain} />
        </section>
      )}
    </div>
  );
}

/** The `/rewards` page body: connect, link (Sign-In with Ethereum), claim, then earnings, deposits and withdrawals. */
export function RewardsDashboard() {
  return <WalletGate>{(settings) => <Steps chain={settings.chain} />}</WalletGate>;
}
