// POST /api/v1/auth/verify — check a signed Sign-In with Ethereum message and link the wallet

import { getPublicConfig } from '@/lib/coordinator/get-public-config';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { linkWallet } from '@/lib/coordinator/identity/link-wallet';
import { siweOrigin } from '@/lib/coordinator/identity/siwe-origin';
import { getRewardChain } from '@/lib/coordinator/rewards/get-reward-chain';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';
import { readJson } from '@/lib/http/read-body';
import { siweVerifyRequestSchema } from '@/lib/protocol/auth';

export const dynamic = 'force-dynamic';

export const POST = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const body = await readJson(request, siweVerifyRequestSchema, 16 * 1024);
  const [{ chainId }, chain] = await Promise.all([getPublicConfig(), getRewardChain()]);
  if (chainId === null) {
    throw new ApiError(
      'service_unavailable',
      'No reward chain is configured, so there is no wallet to link.',
    );
  }
  const { domain } = siweOrigin({ url: request.url, host: request.headers.get('host') }, env().PUBLIC_URL);
  return json(
    await linkWallet(db, {
      volunteerId: volunteer.id,
      message: body.message,
      signature: body.signature as `0x${string}`,
      domain,
      chainId,
      chain,
    }),
  );
});
