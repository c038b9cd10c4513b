// POST /api/v1/volunteers — register an anonymous volunteer

import { registerVolunteer } from '@/lib/coordinator/identity/register-volunteer';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { readJson } from '@/lib/http/read-body';
import { registerVolunteerRequestSchema } from '@/lib/protocol/volunteers';

export const POST = withErrors(async (request) => {
  const body = await readJson(request, registerVolunteerRequestSchema, 4096);
  return json(await registerVolunteer(await getDb(), body), { status: 201 });
});
