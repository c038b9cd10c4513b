import type { z } from 'zod';
import {
  type LeaseRequest,
  type LeaseResponse,
  leaseReleaseResponseSchema,
  leaseResponseSchema,
} from '@/lib/protocol/leases';
import { type BatchResultItem, batchResultResponseSchema } from '@/lib/protocol/results';
import type { RegisterVolunteerResponse as VolunteerIdentity } from '@/lib/protocol/volunteers';
import {
  registerVolunteerResponseSchema,
  type VolunteerMe,
  volunteerMeResponseSchema,
} from '@/lib/protocol/volunteers';

/**
 * The volunteer protocol's HTTP calls (docs/api.md "Volunteer protocol"), each answer parsed with
 * the same zod schemas the server uses. Failures become `VolunteerApiError` so the client can tell
 * "retry later" (network, 5xx, 429) from "re-register" (401) from "drop it" (other 4xx).
 */
export class VolunteerApiError extends Error {
  override readonly name = 'VolunteerApiError';
  constructor(
    message: string,
    /** HTTP status; 0 when the request never got an answer (offline, DNS, reset). */
    readonly status: number,
    /** The API's error code (`unauthorized`, `lease_expired`, …) when it sent one. */
    readonly code?: string,
    /** From a `Retry-After` header, when present. */
    readonly retryAfterMs?: number,
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

async function call<T>(
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
    throw new VolunteerApiError(`${path}: no answer (${(error as Error).message})`, 0);
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new VolunteerApiError(
      `${path}: ${error?.message ?? `HTTP ${response.status}`}`,
      response.status,
      error?.code,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new VolunteerApiError(`${path}: unexpected answer (${parsed.error.issues[0]?.message})`, 502);
  }
  return { body: parsed.data, response };
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** `POST /api/v1/volunteers` → a new anonymous identity. */
export async function registerVolunteer(
  context: ApiContext,
  site: string | undefined,
  signal?: AbortSignal,
): Promise<VolunteerIdentity> {
  const { body } = await call(
    context,
    '/api/v1/volunteers',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(site ? { site } : {}),
      signal,
    },
    registerVolunteerResponseSchema,
  );
  return body;
}

/** `POST /api/v1/leases`; also returns the server's clock (Date header) to judge deadlines by. */
export async function requestLeases(
  context: ApiContext,
  token: string,
  request: LeaseRequest,
  signal?: AbortSignal,
): Promise<LeaseResponse & { serverNow: number | null }> {
  const { body, response } = await call(
    context,
    '/api/v1/leases',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify(request),
      signal,
    },
    leaseResponseSchema,
  );
  const date = Date.parse(response.headers.get('date') ?? '');
  return { ...body, serverNow: Number.isNaN(date) ? null : date };
}

/**
 * `POST /api/v1/results`: one multipart file part per lease, named by the leaseId. The filename
 * matters: a part without one is decoded as text, which would corrupt binary results.
 */
export async function submitResults(
  context: ApiContext,
  token: string,
  results: readonly { leaseId: string; bytes: Uint8Array }[],
  signal?: AbortSignal,
): Promise<BatchResultItem[]> {
  const form = new FormData();
  for (const { leaseId, bytes } of results) {
    form.append(
      leaseId,
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
      `${leaseId}.bin`,
    );
  }
  const { body } = await call(
    context,
    '/api/v1/results',
    { method: 'POST', headers: bearer(token), body: form, signal },
    batchResultResponseSchema,
  );
  return body.results;
}

/** `GET /api/v1/volunteers/me`: credit (pending, verified) and counts. */
export async function fetchMe(
  context: ApiContext,
  token: string,
  signal?: AbortSignal,
): Promise<VolunteerMe> {
  const { body } = await call(
    context,
    '/api/v1/volunteers/me',
    { headers: bearer(token), cache: 'no-store', signal },
    volunteerMeResponseSchema,
  );
  return body;
}

/** `DELETE /api/v1/leases/{leaseId}`: hand back a lease that will not be computed (Stop). */
export async function releaseLease(context: ApiContext, token: string, leaseId: string): Promise<void> {
  await call(
    context,
    `/api/v1/leases/${encodeURIComponent(leaseId)}`,
    { method: 'DELETE', headers: bearer(token), keepalive: true },
    leaseReleaseResponseSchema,
  );
}

/** `POST /api/v1/leases/{leaseId}/error`: the shard could not be computed here (counts against it). */
export async function reportLeaseError(
  context: ApiContext,
  token: string,
  leaseId: string,
  error: { name?: string; message: string },
): Promise<void> {
  await call(
    context,
    `/api/v1/leases/${encodeURIComponent(leaseId)}/error`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({
        message: error.message.slice(0, 2000) || 'failed',
        name: error.name?.slice(0, 100),
      }),
      keepalive: true,
    },
    leaseReleaseResponseSchema,
  );
}
