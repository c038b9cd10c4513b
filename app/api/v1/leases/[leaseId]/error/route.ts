// POST /api/v1/leases/{leaseId}/error — report that computing a leased shard failed (releases the lease)
import { z } from 'zod';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { releaseLease } from '@/lib/coordinator/scheduling/release-lease';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';
import { readJson } from '@/lib/http/read-body';
import { leaseErrorReportSchema } from '@/lib/protocol/leases';

export const POST = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const { leaseId } = await context.params;
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  if (!z.uuid().safeParse(leaseId).success) {
    throw new ApiError('not_found', `No lease ${leaseId} is held by this volunteer; lease ids are UUIDs.`);
  }
  const report = await readJson(request, leaseErrorReportSchema, 16 * 1024);
  return json(
    await releaseLease(db, volunteer.id, leaseId, {
      message: report.name ? `${report.name}: ${report.message}` : report.message,
    }),
  );
});
