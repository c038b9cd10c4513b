// POST /api/v1/results — submit many results at once (multipart, one part per lease)
import { z } from 'zod';
import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { acceptResults, type ResultSubmission } from '@/lib/coordinator/validation/accept-results';
import { getDb } from '@/lib/db/client';
import { ApiError } from '@/lib/errors';
import { json, withErrors } from '@/lib/http/api-response';
import { mediaType, readMultipart } from '@/lib/http/read-body';
import type { BatchResultItem } from '@/lib/protocol/results';

const maxBatchBytes = 64 * 1024 * 1024;
const maxParts = 512;

export const POST = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const contentType = request.headers.get('content-type') ?? '';
  if (mediaType(request) !== 'multipart/form-data') {
    throw new ApiError(
      'unsupported_media_type',
      'Send multipart/form-data with one part per lease: the part name is the leaseId, its body the raw result.',
    );
  }
  const parts = await readMultipart(request, contentType, { maxBytes: maxBatchBytes, maxParts });
  if (parts.length === 0)
    throw new ApiError('invalid_request', 'The batch is empty; add one part per lease.');

  const items: ResultSubmission[] = [];
  const answers: (BatchResultItem | number)[] = [];
  for (const part of parts) {
    if (part.name === '') {
      const message =
        'A part has no name: name each part after its lease (Content-Disposition: form-data; name="<leaseId>"; filename="result.bin").';
      answers.push(refused('', new ApiError('invalid_request', message)));
      continue;
    }
    if (!z.uuid().safeParse(part.name).success) {
      answers.push(
        refused(
          part.name,
          new ApiError('not_found', `Part "${part.name}" does not name a lease id (a UUID).`),
        ),
      );
      continue;
    }
    if (part.filename === undefined) {
      // A part without a filename arrives as text, and text decoding would corrupt binary results.
      const message = `Part "${part.name}" must be a file part (with a filename) holding the raw result bytes.`;
      answers.push(refused(part.name, new ApiError('invalid_request', message)));
      continue;
    }
    answers.push(items.length);
    items.push({ leaseId: part.name, bytes: part.bytes });
  }
  const outcomes = await acceptResults(db, volunteer.id, items);
  const results = answers.map((a) => {
    if (typeof a !== 'number') return a;
    const o = outcomes[a]!;
    return 'error' in o ? refused(o.leaseId, o.error) : { leaseId: o.leaseId, status: o.status };
  });
  return json({ results });
});

function refused(leaseId: string, error: ApiError): BatchResultItem {
  return { leaseId, error: { code: error.code, message: error.message, httpStatus: error.status } };
}
