import type { LocalAccount } from 'viem';
import { type CreateSiweMessageParameters, createSiweMessage } from 'viem/siwe';
import { expect } from 'vitest';
import { api } from './harness';

/** The host the harness's requests go to: the domain a valid message must name. */
export const testDomain = '127.0.0.1:3000';

/**
 * Asks for a nonce as `token`, builds an EIP-4361 message for `account` (fields overridable to make
 * bad ones) and signs it with the account's key, as a wallet's `personal_sign` would.
 */
export async function signIn(
  token: string,
  account: LocalAccount,
  overrides: Partial<CreateSiweMessageParameters> = {},
): Promise<{ message: string; signature: `0x${string}` }> {
  const nonce = await api.siweNonce(token);
  expect(nonce.status, JSON.stringify(nonce.body)).toBe(200);
  const message = createSiweMessage({
    address: account.address,
    chainId: nonce.body.chainId,
    domain: nonce.body.domain,
    uri: nonce.body.uri,
    nonce: nonce.body.nonce,
    version: '1',
    statement: 'Link this wallet to my Spare Cycles volunteer.',
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 5 * 60_000),
    ...overrides,
  });
  return { message, signature: await account.signMessage({ message }) };
}

/** Signs in and expects the wallet to be linked. */
export async function linkWallet(token: string, account: LocalAccount): Promise<void> {
  const r = await api.siweVerify(token, await signIn(token, account));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.address).toBe(account.address.toLowerCase());
}
