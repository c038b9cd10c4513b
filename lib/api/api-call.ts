import type { z } from 'zod';

/**
 * A failed API call. Every browser call to the coordinator goes through `apiCall`, so callers can
 * tell "retry later" (network, 5xx, 429) from "re-register" (401) from "fix the input" (other 4xx,
 * with the API's `code`, `message` and `field`).
 */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    message: string,
    /** HTTP status; 0 when the request never got an answer (offline, DNS, reset). */
    readonly status: number,
    /** The API's error code (`unauthorized`, `lease_expired`, …) when it sent one. */
    readonly code?: string,
    /** From a `Retry-After` header, when present. */
    readonly retryAfterMs?: number,
    /** The input the API names as wrong (`params.m`, `inputs.a`), when it names one. */
    readonly field?: string,
    /** The API's own message, without the path prefix (what a form shows under the field). */
    readonly apiMessage?: string,
  ) {
    super(message);
  }

  /** Worth retrying with backoff: the request may succeed later unchanged. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface ApiContext {
  /** Origin (and optional path prefix) of the coordinator; '' for same-origin. */
  baseUrl: string;
  fetch: typeof fetch;
}

/**
 * One HTTP call to the coordinator: sends `init` to `context.baseUrl + path`, turns an error answer
 * into `ApiRequestError` and parses a success with `schema` (the server's own zod schema).
 * @example
 * const { body } = await apiCall(browserApi, `/api/v1/jobs/${id}`, {}, jobSummarySchema);
 */
export async function apiCall<T>(
  context: ApiContext,
  path: string,
  init: RequestInit,
  schema: z.ZodType<T>,
): Promise<{ body: T; response: Response }> {
  let response: Response;
  try {
    response = await context.fetch(`${context.baseUrl}${path}`, init);
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason ?? error;
    throw new ApiRequestError(`${path}: no answer (${(error as Error).message})`, 0);
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; field?: unknown } } | undefined)
      ?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiRequestError(
      `${path}: ${error?.message ?? `HTTP ${response.status}`}`,
      response.status,
      error?.code,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      typeof error?.field === 'string' ? error.field : undefined,
      error?.message,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiRequestError(`${path}: unexpected answer (${parsed.error.issues[0]?.message})`, 502);
  }
  return { body: parsed.data, response };
}

/**
 * A call whose success is raw bytes (a blob, a job result); errors as `apiCall`'s. `path` may be a
 * full same-origin URL the API handed out (a job's `result.url`).
 */
export async function apiBytes(
  context: ApiContext,
  path: string,
  init: RequestInit = {},
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await context.fetch(path.startsWith('/') ? `${context.baseUrl}${path}` : path, init);
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason ?? error;
    throw new ApiRequestError(`${path}: no answer (${(error as Error).message})`, 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ApiRequestError(
      `${path}: ${body?.error?.message ?? `HTTP ${response.status}`}`,
      response.status,
      body?.error?.code,
      undefined,
      undefined,
      body?.error?.message,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Same-origin calls with the browser's `fetch` (the pages of the app). */
export const browserApi: ApiContext = {
  baseUrl: '',
  fetch: (input, init) => fetch(input, init),
};
