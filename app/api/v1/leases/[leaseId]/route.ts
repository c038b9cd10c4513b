// DELETE /api/v1/leases/{leaseId} — hand an unfinished lease back (Stop), so the shard is offered again now
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { releaseLease } from '@/lib/coordinator/scheduling/release-lease';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { parseLeaseId } from '@/lib/http/read-body';

export const DELETE = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const leaseId = parseLeaseId((await context.params).leaseId);
  return json(await releaseLease(db, volunteer.id, leaseId));
});
