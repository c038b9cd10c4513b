import { z } from 'zod';
import { ApiError } from '../errors';

/** The uniform error body: `{error: {code, message, field?, ...details}}`. */
export function errorResponse(error: ApiError): Response {
  const body: { code: string; message: string; field?: string } & Record<string, string> = {
    ...error.details,
    code: error.code,
    message: error.message,
  };
  if (error.field) body.field = error.field;
  return Response.json({ error: body }, { status: error.status, headers: { 'Cache-Control': 'no-store' } });
}

/**
 * Turns anything thrown by a handler into a response. `ApiError`s keep their code and message;
 * a `ZodError` from parsing client input becomes a 400 naming the first bad field; anything else
 * is a bug: it is logged and answered with a generic 500 that leaks nothing.
 */
export function handleApiError(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  if (error instanceof z.ZodError) return errorResponse(zodToApiError(error));
  console.error('unhandled error in route handler', error);
  return errorResponse(
    new ApiError('internal_error', 'Something went wrong on our side; nothing you sent was stored.'),
  );
}

/** Describes the first zod issue as "what to fix" with its dotted path. */
export function zodToApiError(error: z.ZodError, prefix = ''): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('invalid_request', 'The request body is not valid.');
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const where = field ? `${field}: ` : '';
  return new ApiError('invalid_request', `${where}${issue.message}`, field || undefined);
}

/** Wraps a route handler so every failure leaves as the uniform error shape. */
export function withErrors<Args extends unknown[]>(
  handler: (request: Request, ...args: Args) => Promise<Response>,
): (request: Request, ...args: Args) => Promise<Response> {
  return async (request, ...args) => {
    try {
      return await handler(request, ...args);
    } catch (error) {
      return handleApiError(error);
    }
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
