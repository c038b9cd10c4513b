import busboy from 'busboy';
import { z } from 'zod';
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
  rejectUnstorable(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error);
  return parsed.data;
}

/** Deepest nesting of arrays and objects a JSON body may have (ours need a handful of levels). */
export const maxJsonDepth = 32;

/**
 * Refuses, with a 400 naming the field, what a parsed JSON value (keys included) may hold but the
 * database cannot store or a recursive walk cannot survive: a NUL character (Postgres text and
 * jsonb refuse it), a lone UTF-16 surrogate such as `"\ud800"` (jsonb refuses the escape), and
 * nesting deeper than `maxJsonDepth`. Each would otherwise surface as a 500. A `__proto__` key is
 * refused too: parsed into an object it would vanish, not be refused as unknown. Iterative, so a body of
 * 100,000 nested brackets costs a loop, not the stack.
 */
export function rejectUnstorable(value: unknown, path: string[] = []): void {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem) refuse(path, problem);
  }
  if (!value || typeof value !== 'object') return;
  // Depth-first in document order with an explicit stack of open containers. Nothing is allocated
  // per element: an array of ten million numbers is one loop, and a field's path is put together
  // only when it is refused.
  const stack: Level[] = [{ parent: null, key: null, container: value, keys: keysOf(value), next: 0 }];
  while (stack.length > 0) {
    const level = stack.at(-1)!;
    const count = level.keys ? level.keys.length : (level.container as unknown[]).length;
    if (level.next >= count) {
      stack.pop();
      continue;
    }
    const key: string | number = level.keys ? level.keys[level.next]! : level.next;
    level.next += 1;
    if (typeof key === 'string') {
      const problem = stringProblem(key) ?? (key === '__proto__' ? protoProblem : null);
      if (problem) refuse([...path, ...keysTo(level), key], problem);
    }
    const child = (level.container as Record<string | number, unknown>)[key];
    if (typeof child === 'string') {
      const problem = stringProblem(child);
      if (problem) refuse([...path, ...keysTo(level), String(key)], problem);
    } else if (child && typeof child === 'object') {
      if (stack.length >= maxJsonDepth) {
        const field = [...path, ...keysTo(level), String(key)].join('.');
        throw new ApiError(
          'invalid_request',
          `${field}: nested more than ${maxJsonDepth} levels deep; send a flatter value.`,
          field,
        );
      }
      stack.push({ parent: level, key, container: child, keys: keysOf(child), next: 0 });
    }
  }
}

/** One open array or object of the walk in `rejectUnstorable`. */
interface Level {
  parent: Level | null;
  /** Its key (or index) in the parent; null for the value itself. */
  key: string | number | null;
  container: object;
  /** An object's own keys; null for an array, walked by index. */
  keys: string[] | null;
  next: number;
}

const keysOf = (container: object): string[] | null =>
  Array.isArray(container) ? null : Object.keys(container);

/** The keys from the walked value down to `level`. */
function keysTo(level: Level): string[] {
  const keys: string[] = [];
  for (let at: Level | null = level; at && at.key !== null; at = at.parent) keys.unshift(String(at.key));
  return keys;
}

/** What the database cannot store in `text`, if anything. */
function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000); remove it.';
  if (!text.isWellFormed()) {
    return 'contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), which is not Unicode text; send well-formed UTF-8.';
  }
  return null;
}

// JSON.parse keeps `__proto__` as a plain key, but parsing it into objects drops it or replaces
// the prototype: an unknown input or parameter would vanish instead of being refused.
const protoProblem = 'no field of this API is named __proto__; remove it.';

function refuse(path: string[], problem: string): never {
  const field = path.join('.') || 'body';
  throw new ApiError('invalid_request', `${field}: ${problem}`, field);
}

/**
 * The request's media type in lower case without parameters (`Application/JSON; charset=utf-8` →
 * `application/json`), or '' when none was sent: media types are case-insensitive (RFC 9110).
 */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A lease id from the path, in lower case (UUIDs are case-insensitive; stored ids and answers are
 * lower case). Anything that is not a UUID names no lease this volunteer holds: 404.
 */
export function parseLeaseId(raw: string): string {
  if (!z.uuid().safeParse(raw).success) {
    throw new ApiError('not_found', `No lease ${raw} is held by this volunteer; lease ids are UUIDs.`);
  }
  return raw.toLowerCase();
}

/** A `?limit=` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
export function limitParamSchema(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
}

/** Validates a path or query parameter. */
export function parseParam<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error, name);
  return parsed.data;
}

export interface MultipartPart {
  /** '' for a part whose Content-Disposition has no name. */
  name: string;
  /** Set for file parts; text fields have none. */
  filename?: string;
  bytes: Uint8Array;
}

export interface MultipartLimits {
  /** Most bytes in the whole body. */
  maxBytes: number;
  /** Most parts (files and fields together). */
  maxParts: number;
}

/**
 * Reads a `multipart/form-data` body as a stream, enforcing its limits while reading: the part
 * past `maxParts` or the byte past `maxBytes` stops the parse with a 4xx at once, so a small body
 * of 100,000 empty parts costs no more than the first `maxParts` of them. A malformed body is a 400.
 */
export async function readMultipart(
  request: Request,
  contentType: string,
  limits: MultipartLimits,
): Promise<MultipartPart[]> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: {
        parts: limits.maxParts,
        files: limits.maxParts,
        fields: limits.maxParts,
        fileSize: limits.maxBytes,
        fieldSize: limits.maxBytes,
      },
      defParamCharset: 'utf8',
    });
  } catch {
    throw malformedMultipart();
  }
  const parts: MultipartPart[] = [];
  const done = new Promise<void>((resolve, reject) => {
    let total = 0;
    const fail = (error: ApiError) => {
      reject(error);
      parser.removeAllListeners();
      parser.on('error', () => {});
    };
    const tooMany = () =>
      fail(
        new ApiError(
          'invalid_request',
          `At most ${limits.maxParts} parts per request; send several requests.`,
        ),
      );
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      // A body that ends inside a file part errors the part's stream too ("Unexpected end of
      // form"); unheard, that error escaped as an uncaughtException after the 400 was sent.
      stream.on('error', () => fail(malformedMultipart()));
      stream.on('data', (chunk: Buffer) => {
        total += chunk.byteLength;
        if (total > limits.maxBytes) {
          fail(tooLarge(limits.maxBytes));
          stream.resume();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        parts.push({
          name: name ?? '',
          filename: info.filename ?? '',
          bytes: new Uint8Array(Buffer.concat(chunks)),
        });
      });
    });
    parser.on('field', (name, value) => {
      total += Buffer.byteLength(value);
      if (total > limits.maxBytes) return fail(tooLarge(limits.maxBytes));
      parts.push({ name: name ?? '', bytes: new TextEncoder().encode(value) });
    });
    parser.on('partsLimit', tooMany);
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('error', () => fail(malformedMultipart()));
    parser.on('close', () => resolve());
  });
  const pump = (async () => {
    if (!request.body) {
      parser.end();
      return;
    }
    const reader = request.body.getReader();
    let settled = false;
    done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
        void reader.cancel().catch(() => {});
      },
    );
    for (;;) {
      const { done: end, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (end || settled) break;
      if (!parser.write(value)) await new Promise((resolve) => parser.once('drain', resolve));
    }
    if (!settled) parser.end();
  })();
  await Promise.all([done, pump]);
  return parts;
}

function malformedMultipart(): ApiError {
  return new ApiError(
    'invalid_request',
    'The multipart body could not be parsed; check its boundary and parts.',
  );
}
