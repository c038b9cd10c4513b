import { describe, expect, it } from 'vitest';
import type { ApiContext } from '@/lib/api/api-call';
import { type OutboxHost, ResultOutbox } from './result-outbox';

const leaseId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A coordinator stand-in for `POST /api/v1/results` that answers from a script, one reply per call. */
function host(reply: (parts: string[], call: number) => Response) {
  const calls: string[][] = [];
  const errors: { message: string; code?: string; leaseId?: string }[] = [];
  const submitted: unknown[] = [];
  const forgotten: string[] = [];
  const api: ApiContext = {
    baseUrl: 'http://coordinator.test',
    fetch: async (_input, init) => {
      const parts = [...(init!.body as FormData).keys()];
      calls.push(parts);
      return reply(parts, calls.length - 1);
    },
  };
  const outboxHost: OutboxHost = {
    api,
    identity: () => ({ volunteerId: 'v', token: 't' }),
    forgetIdentity: (identity) => forgotten.push(identity.token),
    now: () => 0,
    backoff: () => 1,
    submitted: (answer) => submitted.push(answer),
    error: (error, context) => errors.push({ message: error.message, ...context }),
  };
  return { outboxHost, calls, errors, submitted, forgotten };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ResultOutbox', () => {
  it('treats a pending answer as accepted (awaiting verification), not as an error', async () => {
    const h = host((parts) => json({ results: parts.map((id) => ({ leaseId: id, status: 'pending' })) }));
    const outbox = new ResultOutbox(h.outboxHost);
    outbox.add({ leaseId: leaseId(1), bytes: new Uint8Array(4), expiresAt: 60_000 });
    outbox.add({ leaseId: leaseId(2), bytes: new Uint8Array(4), expiresAt: 60_000 });
    await outbox.flush();
    expect(h.errors).toEqual([]);
    expect(h.submitted).toEqual([
      { leaseId: leaseId(1), status: 'pending' },
      { leaseId: leaseId(2), status: 'pending' },
    ]);
  });

  it('retries a transient failure with the same results, and reports what the coordinator refuses', async () => {
    const h = host((parts, call) =>
      call === 0
        ? json({ error: { code: 'unavailable', message: 'busy' } }, 503)
        : json({
            results: [
              { leaseId: parts[0], status: 'invalid' },
              { leaseId: parts[1], error: { code: 'lease_expired', message: 'too late', httpStatus: 410 } },
            ],
          }),
    );
    const outbox = new ResultOutbox(h.outboxHost);
    outbox.add({ leaseId: leaseId(1), bytes: new Uint8Array(4), expiresAt: 60_000 });
    outbox.add({ leaseId: leaseId(2), bytes: new Uint8Array(4), expiresAt: 60_000 });
    await outbox.flush();
    // The first request went out with the first result alone; the retry carries both.
    expect(h.calls).toEqual([[leaseId(1)], [leaseId(1), leaseId(2)]]);
    expect(h.errors.map((e) => e.code)).toEqual(['unavailable', 'invalid_result', 'lease_expired']);
  });

  it('forgets an identity the coordinator no longer knows and drops its results', async () => {
    const h = host(() => json({ error: { code: 'unauthorized', message: 'who?' } }, 401));
    const outbox = new ResultOutbox(h.outboxHost);
    outbox.add({ leaseId: leaseId(1), bytes: new Uint8Array(4), expiresAt: 60_000 });
    await outbox.flush();
    expect(h.forgotten).toEqual(['t']);
    expect(h.errors).toEqual([expect.objectContaining({ leaseId: leaseId(1) })]);
  });
});
