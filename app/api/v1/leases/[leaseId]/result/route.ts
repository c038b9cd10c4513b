// PUT /api/v1/leases/{leaseId}/result — submit one result as raw bytes
import { z } from 'zod';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { acceptResults } from '@/lib/coordinator/validation/accept-results';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { errorResponse, json, withErrors } from '@/lib/http/api-response';
import { readBytes } from '@/lib/http/read-body';

const maxResultBytes = 64 * 1024 * 1024;

export const PUT = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const { leaseId } = await context.params;
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  if (!z.uuid().safeParse(leaseId).success) {
    throw new ApiError('not_found', `No lease ${leaseId} is held by this volunteer; lease ids are UUIDs.`);
  }
  const bytes = await readBytes(request, maxResultBytes);
  const [outcome] = await acceptResults(db, volunteer.id, [{ leaseId, bytes }]);
  if (!outcome) throw new Error('no outcome for a single submission');
  if ('error' in outcome) return errorResponse(outcome.error);
  return json({ leaseId: outcome.leaseId, status: outcome.status }, { status: 202 });
});
