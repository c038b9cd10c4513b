import { sql } from 'drizzle-orm';
import type { Address } from 'viem';
import { parseSiweMessage } from 'viem/siwe';
import type { RewardChain } from '../../chain/reward-chain';
import { type Queryable, queryRows, type Tx } from '../../db/client';
import { ApiError } from '../../errors';
import type { SiweVerifyResponse } from '../../protocol/auth';
import { clock } from '../clock';
import { findReopenableShards, reopenShards } from '../validation/reopen-shards';
import { verifySiweSignature } from './verify-siwe-signature';

export interface LinkWalletInput {
  volunteerId: string;
  message: string;
  signature: `0x${string}`;
  /** The authority (`host[:port]`) the message must name: this server's (see `siweOrigin`). */
  domain: string;
  /** The chain rewards are paid on: the message must name it. */
  chainId: number;
  /** For contract-wallet signatures; null verifies ordinary (EOA) signatures only. */
  chain: Pick<RewardChain, 'publicClient'> | null;
}

/** How far in the future `Issued At` may lie: clocks of wallets and servers drift a little. */
export const issuedAtSkewMs = 2 * 60 * 1000;

const unauthorized = (message: string) => new ApiError('unauthorized', message);

/**
 * Sign-In with Ethereum (EIP-4361): checks a signed message and links the Bearer volunteer to the
 * signing wallet, so its verified credit is paid to that address.
 *
 * Checked, each failure a 401 that says which: the message names this server's domain (and a URI
 * on it), this chain, version 1, is inside its validity window and not issued in the future, is signed by the address it names,
 * and carries a nonce this volunteer got from `GET /api/v1/auth/nonce` that is unused and unexpired.
 * The nonce is consumed in the same transaction that links the address, so a signed message links
 * once and cannot be replayed.
 *
 * A volunteer's wallet is fixed once linked (409 for another address): credit already published
 * for one address can never move to another, or it would be paid twice.
 */
export async function linkWallet(db: Queryable, input: LinkWalletInput): Promise<SiweVerifyResponse> {
  const fields = parseSiweMessage(input.message);
  const missing = (['domain', 'address', 'uri', 'version', 'chainId', 'nonce', 'issuedAt'] as const).filter(
    (key) => fields[key] === undefined,
  );
  if (missing.length > 0) {
    throw new ApiError(
      'invalid_request',
      `message: not an EIP-4361 Sign-In with Ethereum message (missing ${missing.join(', ')}); build it with createSiweMessage.`,
      'message',
    );
  }
  const { domain, uri, version, chainId, nonce, issuedAt, expirationTime, notBefore } = fields;
  const address = fields.address!.toLowerCase() as Address;

  if (domain !== input.domain) {
    throw unauthorized(
      `The message is for domain "${domain}"; sign in with a message for "${input.domain}".`,
    );
  }
  let uriHost: string | undefined;
  try {
    uriHost = new URL(uri!).host;
  } catch {
    uriHost = undefined;
  }
  if (uriHost !== input.domain) {
    throw unauthorized(`The message's URI "${uri}" is not on ${input.domain}; use this site's URL.`);
  }
  if (version !== '1')
    throw unauthorized(`The message has version "${version}"; EIP-4361 version 1 is required.`);
  if (chainId !== input.chainId) {
    throw unauthorized(
      `The message is for chain ${chainId}; rewards are paid on chain ${input.chainId}: sign for that chain.`,
    );
  }
  const now = clock.now();
  for (const [name, date] of [
    ['Issued At', issuedAt],
    ['Expiration Time', expirationTime],
    ['Not Before', notBefore],
  ] as const) {
    if (date && Number.isNaN(date.getTime())) {
      throw new ApiError('invalid_request', `message: "${name}" is not an RFC 3339 date-time.`, 'message');
    }
  }
  if (issuedAt && issuedAt.getTime() > now.getTime() + issuedAtSkewMs) {
    throw unauthorized(
      `The message is issued at ${issuedAt.toISOString()}, in the future; sign one issued now (check your clock).`,
    );
  }
  if (expirationTime && expirationTime.getTime() <= now.getTime()) {
    throw unauthorized(`The message expired at ${expirationTime.toISOString()}; sign a new one.`);
  }
  if (notBefore && notBefore.getTime() > now.getTime()) {
    throw unauthorized(`The message is not valid before ${notBefore.toISOString()}; sign one valid now.`);
  }

  const valid = await verifySiweSignature(
    { address, message: input.message, signature: input.signature },
    input.chain,
  );
  if (!valid) throw unauthorized(`The signature was not made by ${address} over this message.`);

  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ volunteer_id: string; expires_at: Date | string; used_at: unknown }>(
      tx,
      sql`SELECT volunteer_id, expires_at, used_at FROM siwe_nonces WHERE nonce = ${nonce} FOR UPDATE`,
    );
    if (!row || row.volunteer_id !== input.volunteerId) {
      throw unauthorized(
        'Unknown nonce: get a fresh one from GET /api/v1/auth/nonce with your volunteer token.',
      );
    }
    if (row.used_at !== null) {
      throw unauthorized(
        'This nonce was already used: each sign-in needs a fresh nonce and a new signature.',
      );
    }
    if (new Date(row.expires_at).getTime() <= now.getTime()) {
      throw unauthorized('The nonce expired: get a fresh one from GET /api/v1/auth/nonce and sign again.');
    }
    await tx.execute(sql`UPDATE siwe_nonces SET used_at = ${now} WHERE nonce = ${nonce}`);
    const [linked] = await queryRows<{ address: string | null }>(
      tx,
      sql`SELECT address FROM volunteers WHERE id = ${input.volunteerId}::uuid FOR UPDATE`,
    );
    if (linked?.address && linked.address !== address) {
      throw new ApiError(
        'conflict',
        `This volunteer is already linked to ${linked.address}; its credit stays with that wallet. Sign in with it, or donate as a new volunteer.`,
      );
    }
    await tx.execute(sql`UPDATE volunteers SET address = ${address} WHERE id = ${input.volunteerId}::uuid`);
    if (!linked?.address) await reopenSharedWalletQuorums(tx, input.volunteerId, address, now);
    return { volunteerId: input.volunteerId, address };
  });
}

/**
 * A quorum is independent volunteers agreeing. Replicas of one shard never go to volunteers sharing
 * a wallet (the scheduler checks wallets at lease time), but identities can form a quorum first and
 * link one wallet afterwards. When that happens, shards of still-running jobs that such a pair
 * verified together, with no proof behind their results, are decided again (docs/trust.md): the
 * validator counts one wallet as one vote, so an independent replica is needed.
 */
async function reopenSharedWalletQuorums(tx: Tx, volunteerId: string, address: string, now: Date) {
  const shared = await findReopenableShards(
    tx,
    sql`${volunteerId}::uuid`,
    sql`EXISTS (
      SELECT 1 FROM results other JOIN volunteers ov ON ov.id = other.volunteer_id
      WHERE other.shard_id = s.id AND other.volunteer_id <> r.volunteer_id
        AND other.status = 'valid' AND other.check_verdict = 'plausible'
        AND other.sha256 = s.canonical_sha256 AND ov.address = ${address})`,
  );
  if (shared.length > 0) await reopenShards(tx, now, shared, null);
}
