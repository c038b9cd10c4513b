// GET /api/v1/rewards/{address} — cumulative earnings and withdrawals, Merkle proof and claim status of a wallet
import { getPublicConfig } from '@/lib/coordinator/get-public-config';
import { getRewardChain } from '@/lib/coordinator/rewards/get-reward-chain';
import { getRewards } from '@/lib/coordinator/rewards/get-rewards';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { addressSchema } from '@/lib/protocol/rewards';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (_request, context: { params: Promise<{ address: string }> }) => {
  const address = parseParam(addressSchema, (await context.params).address, 'address');
  const [chain, config] = await Promise.all([getRewardChain(), getPublicConfig()]);
  return json(await getRewards(await getDb(), address, { chain, tokenAddress: config.tokenAddress }));
});
