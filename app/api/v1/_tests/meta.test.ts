import { describe, expect, it } from 'vitest';
import { kernelNames } from '@/lib/kernels/registry';
import { GET as getConfig } from '../config/route';
import { GET as getHealth } from '../health/route';
import { GET as getOpenApi } from '../openapi.json/route';
import { backend } from './harness';

describe(`operational endpoints (${backend})`, () => {
  it('answers health without touching the database', async () => {
    const r = getHealth();
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('serves public chain settings with every field present (null until a chain is configured)', async () => {
    const r = await getConfig(new Request('http://127.0.0.1/api/v1/config'));
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(Object.keys(body).sort()).toEqual(['chainId', 'distributorAddress', 'rpcUrl', 'tokenAddress']);
  });

  it('describes every route and every kernel in OpenAPI generated from the zod schemas', async () => {
    const doc = await getOpenApi().json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/volunteers',
      '/api/v1/volunteers/me',
      '/api/v1/leases',
      '/api/v1/leases/{leaseId}/result',
      '/api/v1/results',
      '/api/v1/blobs/{sha256}',
      '/api/v1/jobs',
      '/api/v1/jobs/{id}',
      '/api/v1/jobs/{id}/events',
      '/api/v1/jobs/{id}/result',
      '/api/v1/health',
      '/api/v1/config',
      '/api/v1/auth/nonce',
      '/api/v1/auth/verify',
      '/api/v1/epochs',
      '/api/v1/rewards/{address}',
      '/api/v1/metrics',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    // Generated, not pasted: the lease request schema carries the same limits the handler enforces.
    expect(doc.components.schemas.LeaseRequest.properties.max).toMatchObject({ minimum: 1, maximum: 256 });
    expect(doc.components.schemas.LeaseRequest.required).toEqual(expect.arrayContaining(['max', 'webgpu']));
    for (const kernel of kernelNames) expect(doc.components.schemas).toHaveProperty([`${kernel}Params`]);
  });
});
