// GET /api/v1/blobs/{sha256} — content-addressed bytes; a private job's only to its submitter and lease holders
import { z } from 'zod';
import { optionalVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { authorizeBlobRead } from '@/lib/coordinator/privacy/authorize-blob-read';
import { getBlob } from '@/lib/db/blobs';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { bytesResponse, withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { sha256HexSchema } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

const leaseSchema = z.uuid({ error: 'must be a lease id (a UUID)' }).optional();

export const GET = withErrors(async (request, context: { params: Promise<{ sha256: string }> }) => {
  const sha = parseParam(sha256HexSchema, (await context.params).sha256, 'sha256');
  const leaseId = parseParam(
    leaseSchema,
    new URL(request.url).searchParams.get('lease') ?? undefined,
    'lease',
  );
  const db = await getDb();
  const reader = await optionalVolunteer(db, request.headers.get('authorization'));
  const visibility = await authorizeBlobRead(db, sha, { volunteerId: reader?.id, leaseId });
  const bytes = await getBlob(db, sha);
  if (!bytes) throw new ApiError('not_found', `No blob ${sha}.`);
  return bytesResponse(bytes, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(bytes.byteLength),
      // Public bytes never change; private ones must not sit in shared caches, nor outlive retention.
      'Cache-Control': visibility === 'public' ? 'public, max-age=31536000, immutable' : 'private, no-store',
      Vary: 'Authorization',
      ETag: `"${sha}"`,
    },
  });
});
