import { z } from 'zod';
import { ApiError } from '../errors';
import { logger, withLogContext } from '../log/logger';
import { requestIdFrom } from './request-id';

/** The uniform error body: `{error: {code, message, field?, ...details}}`. */
export function errorResponse(error: ApiError): Response {
  const body: { code: string; message: string; field?: string } & Record<string, string> = {
    ...error.details,
    code: error.code,
    message: error.message,
  };
  if (error.field) body.field = error.field;
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  return Response.json({ error: body }, { status: error.status, headers });
}

/**
 * Turns anything thrown by a handler into a response. `ApiError`s keep their code and message;
 * a `ZodError` from parsing client input becomes a 400 naming the first bad field; anything else
 * is a bug: it is logged and answered with a generic 500 that leaks nothing.
 */
export function handleApiError(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  if (error instanceof z.ZodError) return errorResponse(zodToApiError(error));
  logger().error({ err: error }, 'unhandled error in route handler');
  return errorResponse(
    new ApiError('internal_error', 'Something went wrong on our side; nothing you sent was stored.'),
  );
}

/** Describes the first zod issue as "what to fix" with its dotted path. */
export function zodToApiError(error: z.ZodError, prefix = ''): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('invalid_request', 'The request body is not valid.');
  const path = [prefix, ...issue.path.map(String)].filter(Boolean);
  if (issue.code === 'unrecognized_keys' && issue.message.startsWith('Unrecognized key')) {
    // zod's default names no field and no fix; a schema's own message (kernel params) is kept.
    const field = [...path, issue.keys[0] ?? ''].join('.');
    const known = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more unknown)` : '';
    return new ApiError(
      'invalid_request',
      `${field}: unknown field${known}; remove it (see /api/v1/openapi.json for the fields this call takes).`,
      field,
    );
  }
  const field = path.join('.');
  const where = field ? `${field}: ` : 'body: ';
  return new ApiError('invalid_request', `${where}${issue.message}`, field || undefined);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const routeIdNames: Record<string, string> = { id: 'jobId', leaseId: 'leaseId' };

/** The job and lease ids in a route's path parameters, when they are ids at all. */
async function routeIds(context: unknown): Promise<Record<string, string>> {
  const params = (context as { params?: Promise<Record<string, unknown>> } | undefined)?.params;
  if (!params) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((await params) ?? {})) {
    const as = routeIdNames[name];
    if (as && typeof value === 'string' && uuidPattern.test(value)) out[as] = value;
  }
  return out;
}

/**
 * Wraps a route handler so every failure leaves as the uniform error shape, and every request
 * leaves one structured log line (`requestId`, `jobId`/`leaseId` from the path, status, duration;
 * never the query string, headers or body) and an `X-Request-Id` header to quote in bug reports.
 */
export function withErrors<Args extends unknown[]>(
  handler: (request: Request, ...args: Args) => Promise<Response>,
): (request: Request, ...args: Args) => Promise<Response> {
  return async (request, ...args) => {
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    const started = performance.now();
    const ids = await routeIds(args[0]).catch(() => ({}));
    return withLogContext({ requestId, ...ids }, async () => {
      let response: Response;
      try {
        response = await handler(request, ...args);
      } catch (error) {
        response = handleApiError(error);
      }
      try {
        response.headers.set('X-Request-Id', requestId);
      } catch {
        // immutable headers (a proxied response): the log line still has the id
      }
      logger().info(
        {
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
      return response;
    });
  };
}

/** JSON response that is never cached by intermediaries. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  return Response.json(body, { ...init, headers });
}

/**
 * A binary response. Our byte arrays are never backed by a SharedArrayBuffer, which is the one
 * case the DOM typings exclude from `BodyInit`.
 */
export function bytesResponse(bytes: Uint8Array, init: ResponseInit = {}): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, init);
}
