import { type JobActivity, jobActivitySchema } from '@/lib/protocol/job-activity';
import { createJobResponseSchema, type JobSummary, jobSummarySchema } from '@/lib/protocol/jobs';
import { type ApiContext, apiBytes, apiCall } from './api-call';
import { bearer } from './volunteer-api';

/*
 * The job calls the browser makes (docs/api.md "Jobs"), each answer parsed with the server's schema.
 */

/** `POST /api/v1/jobs` as multipart: the job as a `job` JSON part plus one file part per input. */
export async function createJob(
  context: ApiContext,
  token: string,
  job: { kernel: string; params: Record<string, unknown>; replication?: unknown; title?: string },
  files: Record<string, { blob: Blob; filename: string }>,
): Promise<{ jobId: string; shards: number }> {
  const body = new FormData();
  body.append('job', JSON.stringify(job));
  for (const [name, file] of Object.entries(files)) body.append(name, file.blob, file.filename);
  const { body: created } = await apiCall(
    context,
    '/api/v1/jobs',
    { method: 'POST', headers: bearer(token), body },
    createJobResponseSchema,
  );
  return created;
}

/**
 * `GET /api/v1/jobs/{id}`; with the submitter's `token`, a private job's params too (anyone else,
 * and no token, gets them as null).
 */
export async function getJob(
  context: ApiContext,
  jobId: string,
  signal?: AbortSignal,
  token?: string,
): Promise<JobSummary> {
  const { body } = await apiCall(
    context,
    `/api/v1/jobs/${encodeURIComponent(jobId)}`,
    { cache: 'no-store', signal, headers: token ? bearer(token) : undefined },
    jobSummarySchema,
  );
  return body;
}

/** `DELETE /api/v1/jobs/{id}` (its submitter only) → the job as it is now. */
export async function cancelJob(context: ApiContext, token: string, jobId: string): Promise<JobSummary> {
  const { body } = await apiCall(
    context,
    `/api/v1/jobs/${encodeURIComponent(jobId)}`,
    { method: 'DELETE', headers: bearer(token) },
    jobSummarySchema,
  );
  return body;
}

/** `GET /api/v1/jobs/{id}/activity`: what the job waits for. */
export async function getJobActivity(
  context: ApiContext,
  jobId: string,
  signal?: AbortSignal,
): Promise<JobActivity> {
  const { body } = await apiCall(
    context,
    `/api/v1/jobs/${encodeURIComponent(jobId)}/activity`,
    { cache: 'no-store', signal },
    jobActivitySchema,
  );
  return body;
}

/**
 * `GET /api/v1/jobs/{id}/result` (the URL the job summary names): the verified output's bytes. A
 * private job's result is its submitter's: pass the submitter's token.
 */
export function getJobResultBytes(
  context: ApiContext,
  url: string,
  signal?: AbortSignal,
  token?: string,
): Promise<Uint8Array> {
  return apiBytes(context, url, { signal, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** What `watchJob` reports: each progress event's job, the stream's end, and its connection state. */
export interface JobWatchHandlers {
  progress: (job: JobSummary) => void;
  end: () => void;
  connection: (state: 'live' | 'reconnecting' | 'closed') => void;
}

/**
 * `GET /api/v1/jobs/{id}/events` (Server-Sent Events): every `progress` event's job summary, parsed
 * with the server's schema (a malformed one is skipped). Closes itself after `end` or a finished
 * job; returns the function that closes it sooner.
 */
export function watchJob(context: ApiContext, jobId: string, handlers: JobWatchHandlers): () => void {
  const source = new EventSource(`${context.baseUrl}/api/v1/jobs/${encodeURIComponent(jobId)}/events`);
  const close = () => {
    source.close();
    handlers.connection('closed');
  };
  source.addEventListener('progress', (event) => {
    let data: unknown;
    try {
      data = JSON.parse((event as MessageEvent<string>).data);
    } catch {
      return;
    }
    const parsed = jobSummarySchema.safeParse(data);
    if (!parsed.success) return;
    handlers.connection('live');
    handlers.progress(parsed.data);
    if (['completed', 'failed', 'cancelled'].includes(parsed.data.status)) close();
  });
  source.addEventListener('end', () => {
    close();
    handlers.end();
  });
  source.onerror = () => {
    // EventSource retries by itself; say so rather than freezing silently.
    handlers.connection(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  };
  return () => source.close();
}
