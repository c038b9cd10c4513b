import { z } from 'zod';
import {
  type CreateJobRequest,
  createJobResponseSchema,
  type JobSummary,
  jobListResponseSchema,
  jobSummarySchema,
} from '../../lib/protocol/jobs';
import { registerVolunteerResponseSchema } from '../../lib/protocol/volunteers';

/** An error the API answered, with its code and message exactly as the API words them. */
export class ApiClientError extends Error {
  override readonly name = 'ApiClientError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export interface ApiClientOptions {
  /** The coordinator's origin, e.g. `https://cycles.example.org`. */
  baseUrl: string;
  /** The submitter's Bearer token (from `POST /api/v1/volunteers`). */
  token?: string;
  fetch?: typeof fetch;
}

export interface JobFiles {
  kernel: string;
  params: Record<string, unknown>;
  /** Input files by input name (`a`, `b`, `input`, `model`…): raw bytes, sent as multipart parts. */
  inputs: Record<string, { bytes: Uint8Array; filename: string }>;
  replication?: CreateJobRequest['replication'];
  title?: string;
  visibility?: 'public' | 'private';
}

/**
 * A typed client of the submitter's half of the HTTP API (docs/api.md), checked against the same
 * zod schemas the server answers with. Every non-2xx answer throws `ApiClientError` carrying the
 * API's own `{code, message}`.
 *
 * @example
 * const api = new ApiClient({ baseUrl: 'http://127.0.0.1:3000', token });
 * const { jobId } = await api.createJob({ kernel: 'matmul', params: { m: 4, n: 4, k: 4 }, inputs });
 */
export class ApiClient {
  private readonly fetchFn: typeof fetch;
  constructor(private readonly options: ApiClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  get token(): string | undefined {
    return this.options.token;
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.options.token) headers.set('authorization', `Bearer ${this.options.token}`);
    const url = new URL(path, this.options.baseUrl).toString();
    let response: Response;
    try {
      response = await this.fetchFn(url, { ...init, headers });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`could not reach ${this.options.baseUrl} (${reason}); check --url or SPARE_CYCLES_URL`);
    }
    if (response.ok) return response;
    const text = await response.text();
    let parsed: z.infer<typeof errorBodySchema> | undefined;
    try {
      parsed = errorBodySchema.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (parsed)
      throw new ApiClientError(response.status, parsed.error.code, parsed.error.message, parsed.error.field);
    throw new ApiClientError(
      response.status,
      'http_error',
      `${init.method ?? 'GET'} ${path} answered ${response.status}`,
    );
  }

  /** `POST /api/v1/volunteers`: a new identity; its token submits, owns and reads private jobs. */
  async register(): Promise<{ volunteerId: string; token: string }> {
    const response = await this.call('/api/v1/volunteers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return registerVolunteerResponseSchema.parse(await response.json());
  }

  /** `POST /api/v1/jobs` as multipart: a `job` JSON part and one file part per input. */
  async createJob(job: JobFiles): Promise<{ jobId: string; shards: number }> {
    const form = new FormData();
    const { inputs, ...meta } = job;
    form.append('job', JSON.stringify(meta));
    for (const [name, file] of Object.entries(inputs)) {
      form.append(name, new Blob([new Uint8Array(file.bytes)]), file.filename);
    }
    const response = await this.call('/api/v1/jobs', { method: 'POST', body: form });
    return createJobResponseSchema.parse(await response.json());
  }

  async getJob(jobId: string): Promise<JobSummary> {
    const response = await this.call(`/api/v1/jobs/${encodeURIComponent(jobId)}`);
    return jobSummarySchema.parse(await response.json());
  }

  async listJobs(limit = 50): Promise<JobSummary[]> {
    const response = await this.call(`/api/v1/jobs?limit=${limit}`);
    return jobListResponseSchema.parse(await response.json()).jobs;
  }

  async cancelJob(jobId: string): Promise<JobSummary> {
    const response = await this.call(`/api/v1/jobs/${encodeURIComponent(jobId)}`, { method: 'DELETE' });
    return jobSummarySchema.parse(await response.json());
  }

  /** `GET /api/v1/jobs/{id}/result`: the verified output and the filename the server suggests. */
  async downloadResult(jobId: string): Promise<{ bytes: Uint8Array; filename: string; contentType: string }> {
    const response = await this.call(`/api/v1/jobs/${encodeURIComponent(jobId)}/result`);
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'result.bin';
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      filename,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    };
  }
}
