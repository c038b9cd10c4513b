// POST /api/v1/grants — sponsor an account's balance (operator; minted within a cap per epoch)
import { authorizeEpochAdmin } from '@/lib/coordinator/rewards/authorize-epoch-admin';
import { grantBalance } from '@/lib/coordinator/rewards/grant-balance';
import { parseTokenAmount } from '@/lib/coordinator/rewards/token-amount';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { json, withErrors } from '@/lib/http/api-response';
import { readJson } from '@/lib/http/read-body';
import { grantRequestSchema } from '@/lib/protocol/rewards';

export const dynamic = 'force-dynamic';

export const POST = withErrors(async (request) => {
  const settings = env();
  authorizeEpochAdmin(request.headers.get('authorization'), settings.ADMIN_TOKEN);
  const body = await readJson(request, grantRequestSchema, 4096);
  const amount = parseTokenAmount(body.amount, 'amount');
  const grant = await grantBalance(
    await getDb(),
    { address: body.address, amount },
    settings.GRANT_CAP_PER_EPOCH,
  );
  return json(grant, { status: 201 });
});
