// POST /api/v1/withdrawals — move unreserved balance to what the linked wallet can claim
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { parseTokenAmount } from '@/lib/coordinator/rewards/token-amount';
import { withdrawBalance } from '@/lib/coordinator/rewards/withdraw-balance';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { readJson } from '@/lib/http/read-body';
import { withdrawalRequestSchema } from '@/lib/protocol/rewards';

export const dynamic = 'force-dynamic';

export const POST = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const body = await readJson(request, withdrawalRequestSchema, 4096);
  const amount = parseTokenAmount(body.amount, 'amount');
  return json(await withdrawBalance(db, volunteer.id, amount), { status: 201 });
});
