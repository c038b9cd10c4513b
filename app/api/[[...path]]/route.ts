// ANY /api/* that no other route answers (also /api/v1 itself) — the JSON 404, never an HTML page
import { ApiError } from '@/lib/errors';
import { withErrors } from '@/lib/http/api-response';

export const dynamic = 'force-dynamic';

const notFound = withErrors(async (request) => {
  const path = new URL(request.url).pathname;
  throw new ApiError(
    'not_found',
    `No API route ${request.method} ${path}; see /api/v1/openapi.json for the API.`,
  );
});

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
