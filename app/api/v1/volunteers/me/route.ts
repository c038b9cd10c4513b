// GET /api/v1/volunteers/me — the caller's credit and counts
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { getVolunteer } from '@/lib/coordinator/identity/get-volunteer';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  return json(await getVolunteer(db, volunteer.id));
});
