import { ApiError } from '../errors';
import { createJobMultipartMetaSchema, createJobRequestSchema } from '../protocol/jobs';
import { zodToApiError } from './api-response';
import { maxBodyBytes, readBytes, readFormData } from './read-body';

export interface DecodedJobRequest {
  kernel: string;
  params: Record<string, unknown>;
  inputs: Record<string, Uint8Array>;
  replication?: { min: number; max: number };
  title?: string;
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

/**
 * Decodes `POST /api/v1/jobs` in either form: JSON with base64 inputs, or multipart/form-data with
 * a `job` part (the same JSON without `inputs`) and one file part per input, named after it.
 */
export async function decodeJobRequest(request: Request): Promise<DecodedJobRequest> {
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.startsWith('multipart/form-data')) return decodeMultipart(request, contentType);
  if (contentType && !contentType.startsWith('application/json')) {
    throw new ApiError(
      'unsupported_media_type',
      `Content-Type ${contentType.split(';')[0]} is not accepted; send application/json or multipart/form-data.`,
    );
  }
  const bytes = await readBytes(request, maxBodyBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unparseable';
    throw new ApiError('invalid_json', `The body is not valid JSON (${detail}); send a JSON object.`);
  }
  const parsed = createJobRequestSchema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error);
  const { inputs, ...rest } = parsed.data;
  const decoded: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(inputs)) decoded[name] = decodeBase64(text, `inputs.${name}`);
  return { ...rest, inputs: decoded };
}

async function decodeMultipart(request: Request, contentType: string): Promise<DecodedJobRequest> {
  const form = await readFormData(request, contentType, maxBodyBytes);
  const meta = form.get('job');
  if (typeof meta !== 'string') {
    throw new ApiError(
      'invalid_request',
      'job: missing; add a "job" part holding {kernel, params, replication?, title?, payment?} as JSON.',
      'job',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(meta);
  } catch {
    throw new ApiError('invalid_json', 'job: the "job" part is not valid JSON.', 'job');
  }
  const parsed = createJobMultipartMetaSchema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error);
  const inputs: Record<string, Uint8Array> = {};
  for (const [name, part] of form.entries()) {
    if (name === 'job') continue;
    if (typeof part === 'string') {
      throw new ApiError(
        'invalid_input',
        `inputs.${name}: send it as a file part, not a text field.`,
        `inputs.${name}`,
      );
    }
    if (inputs[name])
      throw new ApiError(
        'invalid_input',
        `inputs.${name}: sent twice; send each input once.`,
        `inputs.${name}`,
      );
    inputs[name] = new Uint8Array(await part.arrayBuffer());
  }
  return { ...parsed.data, inputs };
}
