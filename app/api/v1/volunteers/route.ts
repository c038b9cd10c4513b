// POST /api/v1/volunteers — register an anonymous volunteer

import { networkPrefix } from '@/lib/coordinator/identity/network-prefix';
import { registerVolunteer } from '@/lib/coordinator/identity/register-volunteer';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { json, withErrors } from '@/lib/http/api-response';
import { clientAddress } from '@/lib/http/client-address';
import { readJson } from '@/lib/http/read-body';
import { registerVolunteerRequestSchema } from '@/lib/protocol/volunteers';

export const POST = withErrors(async (request) => {
  const body = await readJson(request, registerVolunteerRequestSchema, 4096);
  const registered = await registerVolunteer(
    await getDb(),
    { ...body, networkPrefix: networkPrefix(clientAddress(request)) },
    { perPrefix: env().REGISTRATIONS_PER_PREFIX, windowSeconds: env().REGISTRATION_WINDOW_SECONDS },
  );
  return json(registered, { status: 201 });
});
