// GET /api/v1/jobs/{id}/result — the assembled, verified output (409 until completed; private: submitter only)
import { optionalVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { getJobResult } from '@/lib/coordinator/jobs/get-job-result';
import { getDb } from '@/lib/db/client';
import { bytesResponse, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { jobIdSchema } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (request, context: { params: Promise<{ id: string }> }) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  const db = await getDb();
  const reader = await optionalVolunteer(db, request.headers.get('authorization'));
  const output = await getJobResult(db, id, reader?.id);
  return bytesResponse(output.bytes, {
    headers: {
      'Content-Type': output.contentType,
      'Content-Length': String(output.bytes.byteLength),
      'Content-Disposition': `attachment; filename="${output.filename}"`,
      'Cache-Control':
        output.visibility === 'public' ? 'public, max-age=31536000, immutable' : 'private, no-store',
      Vary: 'Authorization',
    },
  });
});
