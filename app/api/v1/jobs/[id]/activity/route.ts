// GET /api/v1/jobs/{id}/activity — what the job waits for: volunteers active, queue ahead, shards awaiting agreement
import { getJobActivity } from '@/lib/coordinator/jobs/get-job-activity';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { jobIdSchema } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = withErrors(async (_request, context: Context) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  return json(await getJobActivity(await getDb(), id));
});
