/**
 * The one error family of the project. Every client-caused failure is an `ApiError` with a code
 * from this closed list and a message that says what to fix; `handleApiError` turns it into the
 * uniform `{error: {code, message}}` response. Anything else is a bug and becomes a generic 500.
 */
export const errorStatus = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_input: 400,
  unknown_kernel: 400,
  wrong_result_size: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  insufficient_funds: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  grant_cap_exceeded: 409,
  wallet_required: 409,
  not_ready: 409,
  lease_expired: 410,
  job_closed: 410,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The field to fix, as a dotted path (`params.m`, `inputs.a`), when there is one. */
    readonly field?: string,
    /** Extra machine-readable facts for the body (e.g. `missing` for `insufficient_funds`). */
    readonly details?: Record<string, string>,
    /** Seconds to wait before trying again (`Retry-After`), for `rate_limited`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}
