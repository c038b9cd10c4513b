'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Address } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { useSignMessage } from 'wagmi';
import { siweNonceResponseSchema, siweStatement, siweVerifyResponseSchema } from '@/lib/protocol/auth';
import { volunteerMeResponseSchema } from '@/lib/protocol/volunteers';
import { primaryButton } from './button-styles';
import { describeWalletError } from './format-cycle';
import { useVolunteerIdentity } from './use-volunteer-identity';

class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function apiCall<T>(path: string, token: string, parse: (body: unknown) => T, init: RequestInit = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${token}` },
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
    throw new ApiCallError(message ?? `${path} answered ${response.status}`, response.status);
  }
  return parse(body);
}

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
    queryFn: () =>
      apiCall('/api/v1/volunteers/me', identity!.token, (body) => volunteerMeResponseSchema.parse(body)),
  });

  const signIn = useMutation({
    mutationFn: async () => {
      let volunteer = await ensure();
      const getNonce = (token: string) =>
        apiCall('/api/v1/auth/nonce', token, (body) => siweNonceResponseSchema.parse(body));
      let nonce: Awaited<ReturnType<typeof getNonce>>;
      try {
        nonce = await getNonce(volunteer.token);
      } catch (error) {
        // A token from a database that was reset: start a new volunteer and try once more.
        if (!(error instanceof ApiCallError && error.status === 401)) throw error;
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
      return apiCall('/api/v1/auth/verify', volunteer.token, (body) => siweVerifyResponseSchema.parse(body), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message, signature }),
      });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['volunteer-me'] }),
  });

  const linked = me.data?.address ?? null;
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
