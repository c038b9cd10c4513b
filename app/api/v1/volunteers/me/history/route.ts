// GET /api/v1/volunteers/me/history — the caller's verified credit per day (the donor's chart)
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { getVolunteerHistory } from '@/lib/coordinator/volunteers/get-volunteer-history';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  return json(await getVolunteerHistory(db, volunteer.id));
});
