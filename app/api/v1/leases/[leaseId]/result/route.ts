// PUT /api/v1/leases/{leaseId}/result — submit one result as raw bytes
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { acceptResults } from '@/lib/coordinator/validation/accept-results';
import { getDb } from '@/lib/db/client';
import { errorResponse, json, withErrors } from '@/lib/http/api-response';
import { parseLeaseId, readBytes } from '@/lib/http/read-body';

const maxResultBytes = 64 * 1024 * 1024;

export const PUT = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const leaseId = parseLeaseId((await context.params).leaseId);
  const bytes = await readBytes(request, maxResultBytes);
  const [outcome] = await acceptResults(db, volunteer.id, [{ leaseId, bytes }]);
  if (!outcome) throw new Error('no outcome for a single submission');
  if ('error' in outcome) return errorResponse(outcome.error);
  return json({ leaseId: outcome.leaseId, status: outcome.status }, { status: 202 });
});
