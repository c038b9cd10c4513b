// GET /api/v1/jobs/{id} — status and progress; DELETE /api/v1/jobs/{id} — cancel (owner only)
import { authenticateVolunteer, optionalVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { cancelJob } from '@/lib/coordinator/jobs/cancel-job';
import { getJob } from '@/lib/coordinator/jobs/get-job';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { jobIdSchema } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = withErrors(async (request, context: Context) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  const db = await getDb();
  const viewer = await optionalVolunteer(db, request.headers.get('authorization'));
  return json(await getJob(db, id, { volunteerId: viewer?.id }));
});

export const DELETE = withErrors(async (request, context: Context) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  const db = await getDb();
  const requester = await authenticateVolunteer(db, request.headers.get('authorization'));
  await cancelJob(db, id, requester.id);
  return json(await getJob(db, id, { volunteerId: requester.id }));
});
