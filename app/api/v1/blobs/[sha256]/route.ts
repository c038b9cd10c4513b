// GET /api/v1/blobs/{sha256} — immutable, content-addressed bytes
import { getBlob } from '@/lib/db/blobs';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { bytesResponse, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { sha256HexSchema } from '@/lib/protocol/ids';

export const GET = withErrors(async (_request, context: { params: Promise<{ sha256: string }> }) => {
  const sha = parseParam(sha256HexSchema, (await context.params).sha256, 'sha256');
  const bytes = await getBlob(await getDb(), sha);
  if (!bytes) throw new ApiError('not_found', `No blob ${sha}.`);
  return bytesResponse(bytes, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(bytes.byteLength),
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${sha}"`,
    },
  });
});
