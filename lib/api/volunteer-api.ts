import {
  type LeaseRequest,
  type LeaseResponse,
  leaseReleaseResponseSchema,
  leaseResponseSchema,
} from '@/lib/protocol/leases';
import { type BatchResultItem, batchResultResponseSchema } from '@/lib/protocol/results';
import { type VolunteerHistory, volunteerHistorySchema } from '@/lib/protocol/volunteer-history';
import type { RegisterVolunteerResponse as VolunteerIdentity } from '@/lib/protocol/volunteers';
import {
  registerVolunteerResponseSchema,
  type VolunteerMe,
  volunteerMeResponseSchema,
} from '@/lib/protocol/volunteers';
import { type ApiContext, apiCall as call } from './api-call';

/*
 * The volunteer protocol's HTTP calls (docs/api.md "Volunteer protocol"), each answer parsed with
 * the same zod schemas the server uses (through `apiCall`).
 */

export function bearer(token: string): Record<string, string> {
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

/** `GET /api/v1/volunteers/me/history`: verified credit per day. */
export async function fetchHistory(
  context: ApiContext,
  token: string,
  signal?: AbortSignal,
): Promise<VolunteerHistory> {
  const { body } = await call(
    context,
    '/api/v1/volunteers/me/history',
    { headers: bearer(token), cache: 'no-store', signal },
    volunteerHistorySchema,
  );
  return body;
}
