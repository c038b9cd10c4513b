/**
 * The id a request is logged under and answered with (`X-Request-Id`): the client's own when it
 * sent a plausible one (8–64 word characters or dashes, so a header cannot smuggle anything into
 * logs), else a fresh UUID. proxy.ts picks it for every API request and hands it to the route in
 * the request's `x-request-id` header, so its own answers (405, malformed paths) and the routes'
 * carry one, and the same one.
 */
export function requestIdFrom(sent: string | null): string {
  return sent && /^[\w-]{8,64}$/.test(sent) ? sent : crypto.randomUUID();
}
