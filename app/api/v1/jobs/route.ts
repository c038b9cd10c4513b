// GET /api/v1/jobs — recent jobs; POST /api/v1/jobs — submit a job (JSON with base64 inputs, or multipart)
import { authenticateVolunteer, optionalVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { createJob } from '@/lib/coordinator/jobs/create-job';
import { listJobs } from '@/lib/coordinator/jobs/get-job';
import { parseJobJsonOffLoop } from '@/lib/coordinator/jobs/parse-job-json-off-loop';
import { refreshDeposits } from '@/lib/coordinator/rewards/refresh-deposits';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { decodeJobRequest } from '@/lib/http/decode-job-request';
import { limitParamSchema, parseParam } from '@/lib/http/read-body';

export const dynamic = 'force-dynamic';

const limitSchema = limitParamSchema(200, 50);

export const GET = withErrors(async (request) => {
  const limit = parseParam(limitSchema, new URL(request.url).searchParams.get('limit') ?? undefined, 'limit');
  const db = await getDb();
  const viewer = await optionalVolunteer(db, request.headers.get('authorization'));
  return json({ jobs: await listJobs(db, { limit }, { volunteerId: viewer?.id }) });
});

export const POST = withErrors(async (request) => {
  const db = await getDb();
  const owner = await authenticateVolunteer(db, request.headers.get('authorization'));
  const job = await decodeJobRequest(request, parseJobJsonOffLoop);
  if (job.payment) await refreshDeposits(2_000); // a deposit just made can pay for this job
  return json(await createJob(db, { ...job, ownerId: owner.id }), { status: 201 });
});
