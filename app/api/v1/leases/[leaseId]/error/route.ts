// POST /api/v1/leases/{leaseId}/error — report that computing a leased shard failed (releases the lease)
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { releaseLease } from '@/lib/coordinator/scheduling/release-lease';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { parseLeaseId, readJson } from '@/lib/http/read-body';
import { leaseErrorReportSchema } from '@/lib/protocol/leases';

export const POST = withErrors(async (request, context: { params: Promise<{ leaseId: string }> }) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const leaseId = parseLeaseId((await context.params).leaseId);
  const report = await readJson(request, leaseErrorReportSchema, 16 * 1024);
  return json(
    await releaseLease(db, volunteer.id, leaseId, {
      message: report.name ? `${report.name}: ${report.message}` : report.message,
    }),
  );
});
