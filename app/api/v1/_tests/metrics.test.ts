import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { GET as getMetrics } from '../metrics/route';
import { api, backend, settle, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

const adminToken = 'metrics-admin-token-0123456789';
const savedToken = process.env.ADMIN_TOKEN;

beforeAll(async () => {
  process.env.ADMIN_TOKEN = adminToken;
  resetEnvCache();
});
// Opened after the settings above: the pipeline it starts reads them.
testDbForFile();

afterAll(async () => {
  if (savedToken === undefined) delete process.env.ADMIN_TOKEN;
  else process.env.ADMIN_TOKEN = savedToken;
  resetEnvCache();
});

async function scrape(authorization?: string): Promise<Response> {
  return getMetrics(
    new Request('http://127.0.0.1:3000/api/v1/metrics', { headers: authorization ? { authorization } : {} }),
  );
}

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

describe(`GET /api/v1/metrics (${backend})`, () => {
  it('refuses anonymous callers and wrong tokens with the JSON error shape', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthorized');
    const wrong = await scrape('Bearer not-the-admin-token');
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe('forbidden');
  });

  it('reports a live lease, then verdicts and jobs by state after a job', async () => {
    const owner = await SimVolunteer.register();
    const created = await api.createJob(owner.token, {
      kernel: 'hashsearch',
      params: { prefix: 'abcd', difficulty: 4, nonceStart: '0', nonceCount: 256 },
      // Two agreeing replicas, so the job takes two leases and two verdicts.
      replication: { min: 2, max: 3 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const first = await SimVolunteer.register();
    const [lease] = await first.lease(1);
    expect(lease).toBeDefined();

    let text = await (await scrape(`Bearer ${adminToken}`)).text();
    expect(sample(text, 'spare_cycles_leases{state="active"}')).toBe(1);
    expect(sample(text, 'spare_cycles_jobs{state="running"}')).toBe(1);

    await first.submitBatch([{ leaseId: lease!.leaseId, bytes: await first.compute(lease!) }]);
    await settle();
    await (await SimVolunteer.register()).work();
    await settle();
    expect((await api.job(created.body.jobId)).body.status).toBe('completed');

    const response = await scrape(`Bearer ${adminToken}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await response.text();
    expect(sample(text, 'spare_cycles_leases{state="completed"}')).toBe(2);
    expect(sample(text, 'spare_cycles_results{verdict="valid"}')).toBe(2);
    expect(sample(text, 'spare_cycles_results{verdict="invalid"}')).toBe(0);
    expect(sample(text, 'spare_cycles_jobs{state="completed"}')).toBe(1);
    expect(sample(text, 'spare_cycles_validation_backlog')).toBe(0);
    expect(text).toContain('spare_cycles_sse_connections 0');
    // Nothing of the job's data or any token leaks into the metrics.
    expect(text).not.toContain(owner.token);
    expect(text).not.toContain('abcd');
  });
});
