// POST /api/v1/leases — lease shards

import { authenticateVolunteer } from '@/lib/coordinator/identity/authenticate-volunteer';
import { networkPrefix } from '@/lib/coordinator/identity/network-prefix';
import { adapterClass } from '@/lib/coordinator/scheduling/adapter-class';
import { leaseShards, noWorkRetryAfterMs } from '@/lib/coordinator/scheduling/lease-shards';
import { notePresence } from '@/lib/coordinator/volunteers/presence';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { json, withErrors } from '@/lib/http/api-response';
import { clientAddress } from '@/lib/http/client-address';
import { readJson } from '@/lib/http/read-body';
import { type LeaseResponse, leaseRequestSchema } from '@/lib/protocol/leases';

export const POST = withErrors(async (request) => {
  const db = await getDb();
  const volunteer = await authenticateVolunteer(db, request.headers.get('authorization'));
  const body = await readJson(request, leaseRequestSchema, 16 * 1024);
  // Only a well-formed request shows a donating worker (a refused one may be anything).
  await notePresence(db, volunteer.id);
  const leased = await leaseShards(db, {
    volunteerId: volunteer.id,
    max: body.max,
    webgpu: body.webgpu,
    kernels: body.kernels,
    adapterClass: adapterClass(body),
    leaseSeconds: env().LEASE_SECONDS,
    maxLive: env().MAX_LIVE_LEASES,
    networkPrefix: networkPrefix(clientAddress(request)),
    wallet: volunteer.address,
  });
  const response: LeaseResponse = {
    leases: leased.map((l) => ({
      leaseId: l.leaseId,
      jobId: l.jobId,
      shardId: l.shardId,
      kernel: l.kernel,
      params: l.params,
      inputs: l.inputs.map((i) => ({
        name: i.name,
        // Relative: behind proxies and `next start -H`, request.url need not be the origin the worker used.
        // `?lease=` lets the holder of this live lease read a private job's input without its token.
        url: `/api/v1/blobs/${i.sha256}?lease=${l.leaseId}`,
        sha256: i.sha256,
        bytes: i.bytes,
      })),
      deadline: l.deadline.toISOString(),
    })),
  };
  if (leased.length === 0) response.retryAfterMs = noWorkRetryAfterMs;
  return json(response);
});
