import { ApiError } from '../errors';
import { createJobMultipartMetaSchema, createJobRequestSchema } from '../protocol/jobs';
import { zodToApiError } from './api-response';
import { maxBodyBytes, mediaType, readBytes, readMultipart, rejectUnstorable } from './read-body';

/** Most parts in a multipart job: the `job` part plus its input files. */
const maxJobParts = 64;

export interface DecodedJobRequest {
  kernel: string;
  params: Record<string, unknown>;
  inputs: Record<string, Uint8Array>;
  replication?: { min: number; max: number };
  title?: string;
  visibility: 'public' | 'private';
  payment?: { pricePerWorkUnit: string };
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64: Node's decoder silently skips junk, which would store garbage instead of a 400. */
export function decodeBase64(text: string, field: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !base64Pattern.test(compact)) {
    throw new ApiError(
      'invalid_input',
      `${field}: not valid base64; encode the file's bytes with standard base64.`,
      field,
    );
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** Largest `params` as JSON text: every kernel's are a few numbers, or at most a 64 KiB shader. */
export const maxParamsJsonLength = 256 * 1024;

/** Refuses params too large for any kernel before they are handed on (and copied between threads). */
function refuseLargeParams(params: unknown): void {
  if (JSON.stringify(params).length <= maxParamsJsonLength) return;
  throw new ApiError(
    'invalid_request',
    `params: longer than ${maxParamsJsonLength} characters as JSON; kernel parameters are a few numbers (or a shader of at most 64 KiB), so send data as inputs.`,
    'params',
  );
}

/** Which JSON of a job request: the whole JSON body, or a multipart request's `job` part. */
export type JobJsonForm = 'body' | 'job';

/**
 * Parses and checks a job request's JSON — JSON.parse, the unstorable-text walk, the schema and,
 * for a JSON body, base64 inputs. CPU work in proportion to its size (a 90 MB body of numbers takes
 * over a second to parse), so the server runs it in a worker thread: see `JobJsonParser`.
 */
export function parseJobJson(bytes: Uint8Array, form: JobJsonForm): DecodedJobRequest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    if (form === 'job') throw new ApiError('invalid_json', 'job: the "job" part is not valid JSON.', 'job');
    const detail = error instanceof Error ? error.message : 'unparseable';
    throw new ApiError('invalid_json', `The body is not valid JSON (${detail}); send a JSON object.`);
  }
  if (form === 'job') {
    rejectUnstorable(value, ['job']);
    const parsed = createJobMultipartMetaSchema.safeParse(value);
    if (!parsed.success) throw zodToApiError(parsed.error);
    refuseLargeParams(parsed.data.params);
    return { ...parsed.data, inputs: {} };
  }
  rejectUnstorable(value);
  const parsed = createJobRequestSchema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error);
  refuseLargeParams(parsed.data.params);
  const { inputs, ...rest } = parsed.data;
  const decoded: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(inputs)) decoded[name] = decodeBase64(text, `inputs.${name}`);
  return { ...rest, inputs: decoded };
}

/** Runs `parseJobJson` (the server: in a worker thread, within a budget). */
export type JobJsonParser = (bytes: Uint8Array, form: JobJsonForm) => Promise<DecodedJobRequest>;

const parseHere: JobJsonParser = async (bytes, form) => parseJobJson(bytes, form);

/**
 * Decodes `POST /api/v1/jobs` in either form: JSON with base64 inputs, or multipart/form-data with
 * a `job` part (the same JSON without `inputs`) and one file part per input, named after it. The
 * body is read here; its JSON is handed to `parse`.
 */
export async function decodeJobRequest(
  request: Request,
  parse: JobJsonParser = parseHere,
): Promise<DecodedJobRequest> {
  const contentType = request.headers.get('content-type') ?? '';
  const type = mediaType(request);
  if (type === 'multipart/form-data') return decodeMultipart(request, contentType, parse);
  if (type && type !== 'application/json') {
    throw new ApiError(
      'unsupported_media_type',
      `Content-Type ${type} is not accepted; send application/json or multipart/form-data.`,
    );
  }
  return parse(await readBytes(request, maxBodyBytes), 'body');
}

async function decodeMultipart(
  request: Request,
  contentType: string,
  parse: JobJsonParser,
): Promise<DecodedJobRequest> {
  const parts = await readMultipart(request, contentType, { maxBytes: maxBodyBytes, maxParts: maxJobParts });
  // The `job` part is the metadata whether sent as a text field or as a file (a Blob appended to
  // FormData gets a filename): no kernel has an input named `job`.
  const metas = parts.filter((p) => p.name === 'job');
  if (metas.length > 1) {
    throw new ApiError('invalid_request', 'job: sent twice; send exactly one "job" part.', 'job');
  }
  const meta = metas[0];
  if (!meta) {
    throw new ApiError(
      'invalid_request',
      'job: missing; add a "job" part holding {kernel, params, replication?, title?, visibility?, payment?} as JSON.',
      'job',
    );
  }
  const job = await parse(meta.bytes, 'job');
  // No prototype: a part named `constructor` or `__proto__` is an input name like any other (the
  // kernel refuses it by name), not an inherited property or a prototype to replace.
  const inputs: Record<string, Uint8Array> = Object.create(null);
  for (const part of parts) {
    if (part === meta) continue;
    const field = `inputs.${part.name}`;
    if (part.filename === undefined) {
      throw new ApiError('invalid_input', `${field}: send it as a file part, not a text field.`, field);
    }
    if (inputs[part.name])
      throw new ApiError('invalid_input', `${field}: sent twice; send each input once.`, field);
    inputs[part.name] = part.bytes;
  }
  return { ...job, inputs };
}
