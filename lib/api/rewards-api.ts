import {
  type SiweNonceResponse,
  siweNonceResponseSchema,
  siweVerifyResponseSchema,
} from '@/lib/protocol/auth';
import {
  type EpochListResponse,
  epochListResponseSchema,
  type PublicConfigResponse,
  publicConfigSchema,
  type RewardsResponse,
  rewardsResponseSchema,
  type WithdrawalResponse,
  withdrawalResponseSchema,
} from '@/lib/protocol/rewards';
import { type ApiContext, apiCall } from './api-call';
import { bearer } from './volunteer-api';

/*
 * The rewards and wallet calls the browser makes (docs/api.md "Rewards and operations").
 */

/** `GET /api/v1/config`: the chain, token and distributor the browser talks to. */
export async function getPublicConfig(context: ApiContext): Promise<PublicConfigResponse> {
  const { body } = await apiCall(context, '/api/v1/config', { cache: 'no-store' }, publicConfigSchema);
  return body;
}

/** `GET /api/v1/rewards/{address}`: cumulative credit, proof and epoch (no wallet needed). */
export async function getRewards(context: ApiContext, address: string): Promise<RewardsResponse> {
  const { body } = await apiCall(
    context,
    `/api/v1/rewards/${encodeURIComponent(address)}`,
    { cache: 'no-store' },
    rewardsResponseSchema,
  );
  return body;
}

/** `GET /api/v1/epochs`: published epochs. */
export async function listEpochs(context: ApiContext): Promise<EpochListResponse> {
  const { body } = await apiCall(context, '/api/v1/epochs', { cache: 'no-store' }, epochListResponseSchema);
  return body;
}

/** `GET /api/v1/auth/nonce`: a single-use Sign-In with Ethereum nonce for the Bearer volunteer. */
export async function getSiweNonce(context: ApiContext, token: string): Promise<SiweNonceResponse> {
  const { body } = await apiCall(
    context,
    '/api/v1/auth/nonce',
    { headers: bearer(token) },
    siweNonceResponseSchema,
  );
  return body;
}

/** `POST /api/v1/auth/verify`: links the Bearer volunteer to the wallet that signed `message`. */
export async function verifySiwe(context: ApiContext, token: string, message: string, signature: string) {
  const { body } = await apiCall(
    context,
    '/api/v1/auth/verify',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ message, signature }),
    },
    siweVerifyResponseSchema,
  );
  return body;
}

/** `POST /api/v1/withdrawals`: moves `amount` token units of unreserved balance to what the linked wallet can claim. */
export async function withdrawBalance(
  context: ApiContext,
  token: string,
  amount: bigint,
): Promise<WithdrawalResponse> {
  const { body } = await apiCall(
    context,
    '/api/v1/withdrawals',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ amount: amount.toString() }),
    },
    withdrawalResponseSchema,
  );
  return body;
}
