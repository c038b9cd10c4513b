// DELETE /api/v1/leases/{leaseId} — hand an unfinished lease back (Stop), so the shard is offered again now
import { z } from 'zod';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { releaseLease } from '@/lib/coordinator/scheduling/release-lease';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';

export const DELETE = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const { leaseId } = await context.params;
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  if (!z.uuid().safeParse(leaseId).success) {
    throw new ApiError('not_found', `No lease ${leaseId} is held by this volunteer; lease ids are UUIDs.`);
  }
  return json(await releaseLease(db, volunteer.id, leaseId));
});
