// GET /api/v1/auth/nonce — a single-use Sign-In with Ethereum nonce for the Bearer volunteer

import { getPublicConfig } from '@/lib/coordinator/get-public-config';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { createSiweNonce } from '@/lib/coordinator/identity/create-siwe-nonce';
import { siweOrigin } from '@/lib/coordinator/identity/siwe-origin';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';
import type { SiweNonceResponse } from '@/lib/protocol/auth';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const { chainId } = await getPublicConfig();
  if (chainId === null) {
    throw new ApiError(
      'service_unavailable',
      'No reward chain is configured, so there is no wallet to link.',
    );
  }
  const settings = env();
  const { nonce, expiresAt } = await createSiweNonce(db, volunteer.id, settings.SIWE_NONCE_SECONDS);
  const { domain, origin } = siweOrigin(
    { url: request.url, host: request.headers.get('host') },
    settings.PUBLIC_URL,
  );
  const body: SiweNonceResponse = { nonce, expiresAt: expiresAt.toISOString(), domain, uri: origin, chainId };
  return json(body);
});
