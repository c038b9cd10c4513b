'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Address } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { useSignMessage } from 'wagmi';
import { ApiRequestError, browserApi } from '@/lib/api/api-call';
import { getSiweNonce, verifySiwe } from '@/lib/api/rewards-api';
import { fetchMe } from '@/lib/api/volunteer-api';
import { siweStatement } from '@/lib/protocol/auth';
import { primaryButton } from './button-styles';
import { describeWalletError } from './format-cycle';
import { useVolunteerIdentity } from './use-volunteer-identity';

/**
 * Sign-In with Ethereum (EIP-4361): links this browser's volunteer to the connected wallet so its
 * verified credit is paid there. Asks the coordinator for a single-use nonce, has the wallet sign a
 * message naming this site, this chain and that nonce, and sends it to `POST /api/v1/auth/verify`.
 */
export function SignInWithEthereum({ address, chainId }: { address: Address; chainId: number }) {
  const { identity, ensure, forget } = useVolunteerIdentity();
  const queryClient = useQueryClient();
  const { signMessageAsync } = useSignMessage();

  const me = useQuery({
    queryKey: ['volunteer-me', identity?.token],
    enabled: identity !== null,
    queryFn: () => fetchMe(browserApi, identity!.token),
  });

  const signIn = useMutation({
    mutationFn: async () => {
      let volunteer = await ensure();
      const getNonce = (token: string) => getSiweNonce(browserApi, token);
      let nonce: Awaited<ReturnType<typeof getNonce>>;
      try {
        nonce = await getNonce(volunteer.token);
      } catch (error) {
        // A token from a database that was reset: start a new volunteer and try once more.
        if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
        forget();
        volunteer = await ensure();
        nonce = await getNonce(volunteer.token);
      }
      const message = createSiweMessage({
        address,
        chainId,
        domain: window.location.host,
        uri: window.location.origin,
        nonce: nonce.nonce,
        version: '1',
        statement: siweStatement,
        issuedAt: new Date(),
        expirationTime: new Date(nonce.expiresAt),
      });
      const signature = await signMessageAsync({ message, account: address });
      return verifySiwe(browserApi, volunteer.token, message, signature);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['volunteer-me'] }),
  });

  // The sign-in's own answer names the wallet linked now: a /me fetch that left before it may still
  // say none (its refetch follows), and the page must not ask to sign again meanwhile.
  const linked = me.data?.address ?? signIn.data?.address ?? null;
  const linkedHere = linked !== null && linked === address.toLowerCase();

  return (
    <div className="flex flex-col gap-3">
      {linkedHere ? (
        <p data-testid="link-status">
          <span aria-hidden="true">✓ </span>
          This browser&apos;s volunteer is linked to this wallet: verified credit is paid to it.
        </p>
      ) : linked !== null ? (
        <p data-testid="link-status" className="text-amber-800 dark:text-amber-300">
          This browser&apos;s volunteer is linked to another wallet ({linked}); its credit is paid there.
          Connect that wallet to claim it.
        </p>
      ) : (
        <>
          <p data-testid="link-status">
            Sign a message (no transaction, no fee) to link this browser&apos;s volunteer to this wallet.
            Credit you have already earned counts too.
          </p>
          <div>
            <button
              type="button"
              className={primaryButton}
              disabled={signIn.isPending}
              onClick={() => signIn.mutate()}
            >
              {signIn.isPending ? 'Waiting for your signature…' : 'Sign in with Ethereum'}
            </button>
          </div>
        </>
      )}
      {signIn.error && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {describeWalletError(signIn.error)}
        </p>
      )}
      {me.error && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          Your volunteer could not be loaded: {(me.error as Error).message}
        </p>
      )}
    </div>
  );
}
