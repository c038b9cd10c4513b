import type { z } from 'zod';
import { ApiError } from '../errors';
import { zodToApiError } from './api-response';

/** Largest request body we read at all (job uploads are the big ones). */
export const maxBodyBytes = 96 * 1024 * 1024;

/** Reads the raw body, refusing more than `limit` bytes even when Content-Length lies. */
export async function readBytes(request: Request, limit = maxBodyBytes): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(limit: number): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${limit} bytes; send less.`);
}

/** Parses a JSON body against `schema`; malformed JSON and schema violations become 400s naming the field. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit = 1024 * 1024,
): Promise<z.infer<S>> {
  const bytes = await readBytes(request, limit);
  const text = new TextDecoder().decode(bytes);
  let value: unknown;
  if (text.trim() === '') {
    value = {};
  } else {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : 'unparseable';
      throw new ApiError('invalid_json', `The body is not valid JSON (${detail}); send a JSON object.`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error);
  return parsed.data;
}

/** Validates a path or query parameter. */
export function parseParam<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error, name);
  return parsed.data;
}

/**
 * Reads a `multipart/form-data` body of at most `limit` bytes (undici's own `formData()` has no
 * limit); a malformed body is a 400.
 */
export async function readFormData(
  request: Request,
  contentType: string,
  limit = maxBodyBytes,
): Promise<FormData> {
  const bytes = await readBytes(request, limit);
  try {
    return await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ApiError(
      'invalid_request',
      'The multipart body could not be parsed; check its boundary and parts.',
    );
  }
}
