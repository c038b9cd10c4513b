// GET /api/v1/epochs — published epochs with roots, totals and leaves; POST /api/v1/epochs — close an epoch now (operator)
import { authorizeEpochAdmin } from '@/lib/coordinator/rewards/authorize-epoch-admin';
import { closeEpoch } from '@/lib/coordinator/rewards/close-epoch';
import { getRewardChain } from '@/lib/coordinator/rewards/get-reward-chain';
import { listEpochs } from '@/lib/coordinator/rewards/list-epochs';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';
import { limitParamSchema, parseParam } from '@/lib/http/read-body';

export const dynamic = 'force-dynamic';

const limitSchema = limitParamSchema(100, 20);

export const GET = withErrors(async (request) => {
  const limit = parseParam(limitSchema, new URL(request.url).searchParams.get('limit') ?? undefined, 'limit');
  return json(await listEpochs(await getDb(), { limit }));
});

export const POST = withErrors(async (request) => {
  const settings = env();
  authorizeEpochAdmin(request.headers.get('authorization'), settings.ADMIN_TOKEN);
  const chain = await getRewardChain();
  if (!chain) {
    throw new ApiError(
      'service_unavailable',
      'No reward chain is configured: set RPC_URL, CHAIN_ID and DISTRIBUTOR_ADDRESS (npm run dev does).',
    );
  }
  const db = await getDb();
  return json(await closeEpoch(db, chain));
});
