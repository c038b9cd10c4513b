import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { writeNpy } from '@/lib/kernels/npy';
import { kernels } from '@/lib/kernels/registry';
import { type Answer, api, backend, settle, testDbForFile, toBase64 } from './harness';
import { SimVolunteer } from './volunteer-sim';

const testDb = testDbForFile();
let owner: SimVolunteer;

beforeAll(async () => {
  owner = await SimVolunteer.register();
});

/** Rows in every table a bad request could have written to. */
async function stored(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['jobs', 'shards', 'blobs', 'leases', 'results', 'credits']) {
    const r = await queryRows<{ n: number }>(
      testDb.db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
    );
    out[table] = Number(r[0]!.n);
  }
  return out;
}

/** A 4xx with the uniform error shape and a message that says something useful. */
function expectClientError(r: Answer, status: number, code?: string, messagePattern?: RegExp): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  const body = r.body as { error: { code: string; message: string } };
  expect(body.error.code).toMatch(/^[a-z_]+$/);
  expect(body.error.message.length).toBeGreaterThan(10);
  if (code) expect(body.error.code).toBe(code);
  if (messagePattern) expect(body.error.message).toMatch(messagePattern);
}

const npy = (rows: number, cols: number) =>
  toBase64(writeNpy(rows, cols, new Float32Array(rows * cols).fill(1)));
const goodMatmul = () => ({
  kernel: 'matmul',
  params: { m: 2, n: 3, k: 4 },
  inputs: { a: npy(2, 4), b: npy(4, 3) },
});

describe(`bad input is refused with a 4xx that says what to fix, and nothing is stored (${backend})`, () => {
  it('POST /api/v1/volunteers', async () => {
    expectClientError(await api.register(undefined, '{"site": '), 400, 'invalid_json', /JSON/);
    expectClientError(await api.register({ site: 42 }), 400, 'invalid_request', /site/);
    expectClientError(await api.register({ site: '<script>' }), 400, 'invalid_request', /site/);
    const unknown = await api.register({ admin: true });
    expectClientError(unknown, 400, 'invalid_request', /^admin: unknown field; remove it/);
    expect((unknown.body as unknown as { error: { field?: string } }).error.field).toBe('admin');
    expectClientError(await api.register(undefined, 'null'), 400, 'invalid_request', /^body: .*object/);
  });

  const jobCases: [string, () => unknown, string | undefined, number, string, RegExp][] = [
    ['malformed JSON', () => undefined, '{"kernel": "matmul",', 400, 'invalid_json', /JSON/],
    ['a body that is not an object', () => [1, 2], undefined, 400, 'invalid_request', /object/],
    [
      'kernel of the wrong type',
      () => ({ ...goodMatmul(), kernel: 5 }),
      undefined,
      400,
      'invalid_request',
      /kernel/,
    ],
    [
      'unknown kernel',
      () => ({ ...goodMatmul(), kernel: 'bitcoin' }),
      undefined,
      400,
      'unknown_kernel',
      /matmul/,
    ],
    [
      'params of the wrong type',
      () => ({ ...goodMatmul(), params: 'big' }),
      undefined,
      400,
      'invalid_request',
      /params/,
    ],
    [
      'a dimension as a string',
      () => ({ ...goodMatmul(), params: { m: '2', n: 3, k: 4 } }),
      undefined,
      400,
      'invalid_request',
      /params\.m/,
    ],
    [
      'a negative dimension',
      () => ({ ...goodMatmul(), params: { m: -2, n: 3, k: 4 } }),
      undefined,
      400,
      'invalid_request',
      /params\.m/,
    ],
    [
      'a zero dimension',
      () => ({ ...goodMatmul(), params: { m: 2, n: 0, k: 4 } }),
      undefined,
      400,
      'invalid_request',
      /params\.n/,
    ],
    [
      'a fractional dimension',
      () => ({ ...goodMatmul(), params: { m: 2.5, n: 3, k: 4 } }),
      undefined,
      400,
      'invalid_request',
      /params\.m/,
    ],
    [
      'a huge dimension',
      () => ({ ...goodMatmul(), params: { m: 1e9, n: 3, k: 4 } }),
      undefined,
      400,
      'invalid_request',
      /params\.m/,
    ],
    [
      'mismatched shapes',
      () => ({ ...goodMatmul(), inputs: { a: npy(2, 5), b: npy(4, 3) } }),
      undefined,
      400,
      'invalid_input',
      /inputs\.a/,
    ],
    [
      'a B of the wrong shape',
      () => ({ ...goodMatmul(), inputs: { a: npy(2, 4), b: npy(3, 4) } }),
      undefined,
      400,
      'invalid_input',
      /inputs\.b/,
    ],
    [
      'bad base64',
      () => ({ ...goodMatmul(), inputs: { a: 'not base64!!', b: npy(4, 3) } }),
      undefined,
      400,
      'invalid_input',
      /inputs\.a.*base64/,
    ],
    [
      'bytes that are not .npy',
      () => ({
        ...goodMatmul(),
        inputs: { a: toBase64(new TextEncoder().encode('a,b,c\n1,2,3')), b: npy(4, 3) },
      }),
      undefined,
      400,
      'invalid_input',
      /inputs\.a.*npy/,
    ],
    [
      'a missing input',
      () => ({ ...goodMatmul(), inputs: { a: npy(2, 4) } }),
      undefined,
      400,
      'invalid_input',
      /inputs\.b/,
    ],
    [
      'an unknown input',
      () => ({ ...goodMatmul(), inputs: { ...goodMatmul().inputs, c: npy(1, 1) } }),
      undefined,
      400,
      'invalid_input',
      /inputs\.c/,
    ],
    [
      'replication min above max',
      () => ({ ...goodMatmul(), replication: { min: 3, max: 2 } }),
      undefined,
      400,
      'invalid_request',
      /replication\.max/,
    ],
    [
      'replication of zero',
      () => ({ ...goodMatmul(), replication: { min: 0, max: 2 } }),
      undefined,
      400,
      'invalid_request',
      /replication\.min/,
    ],
    [
      'an unknown top-level field',
      () => ({ ...goodMatmul(), priority: 9 }),
      undefined,
      400,
      'invalid_request',
      /priority/,
    ],
    [
      'a kernel name past 64 characters',
      () => ({ ...goodMatmul(), kernel: 'm'.repeat(65) }),
      undefined,
      400,
      'invalid_request',
      /kernel: must be at most 64 characters/,
    ],
    [
      'an input name past 64 characters',
      () => ({ ...goodMatmul(), inputs: { ['a'.repeat(65)]: npy(1, 1) } }),
      undefined,
      400,
      'invalid_request',
      /input names must be at most 64 characters/,
    ],
    [
      'an input named __proto__ (it would vanish from the parsed inputs)',
      () => undefined,
      '{"kernel":"hashsearch","params":{"prefix":"ab","difficulty":8,"nonceStart":"0","nonceCount":10},"inputs":{"__proto__":"AAAA"}}',
      400,
      'invalid_request',
      /inputs\.__proto__: no field of this API is named __proto__/,
    ],
    [
      'a parameter named __proto__',
      () => undefined,
      '{"kernel":"hashsearch","params":{"prefix":"ab","difficulty":8,"nonceStart":"0","nonceCount":10,"__proto__":{}}}',
      400,
      'invalid_request',
      /params\.__proto__/,
    ],
    [
      'a hashsearch prefix that is not hex',
      () => ({
        kernel: 'hashsearch',
        params: { prefix: 'xyz', difficulty: 8, nonceStart: '0', nonceCount: 10 },
      }),
      undefined,
      400,
      'invalid_request',
      /params\.prefix/,
    ],
    [
      'a hashsearch range past 2^64',
      () => ({
        kernel: 'hashsearch',
        params: { prefix: 'ab', difficulty: 8, nonceStart: '18446744073709551615', nonceCount: 10 },
      }),
      undefined,
      400,
      'invalid_request',
      /nonce/,
    ],
  ];

  it.each(jobCases)('POST /api/v1/jobs with %s', async (_name, body, raw, status, code, pattern) => {
    const before = await stored();
    expectClientError(await api.createJob(owner.token, body(), raw), status, code, pattern);
    expect(await stored()).toEqual(before);
  });

  it('POST /api/v1/jobs without a token, with a forged one, or with an unsupported content type', async () => {
    const before = await stored();
    expectClientError(await api.createJob(undefined, goodMatmul()), 401, 'unauthorized', /Bearer/);
    expectClientError(await api.createJob('sc_forged', goodMatmul()), 401, 'unauthorized', /token/);
    expectClientError(await api.createJob(`${owner.token}x`, goodMatmul()), 401, 'unauthorized');
    const textPlain = new Request('http://127.0.0.1/api/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      body: 'matmul please',
    });
    expectClientError(await api.createJobRequest(textPlain), 415, 'unsupported_media_type');
    expect(await stored()).toEqual(before);
  });

  it('media types are case-insensitive (RFC 9110): JSON and multipart in any letter case are accepted', async () => {
    const job = await api.createJobRequest(
      new Request('http://127.0.0.1/api/v1/jobs', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${owner.token}`,
          'content-type': 'Application/JSON; Charset=UTF-8',
        },
        body: JSON.stringify(goodMatmul()),
      }),
    );
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const form = new FormData();
    form.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
    form.append('a', new Blob([new Uint8Array(writeNpy(2, 4, new Float32Array(8)))]), 'a.npy');
    form.append('b', new Blob([new Uint8Array(writeNpy(4, 3, new Float32Array(12)))]), 'b.npy');
    const encoded = new Response(form);
    const type = encoded.headers.get('content-type')!.replace('multipart/form-data', 'Multipart/Form-Data');
    const multipart = await api.createJobRequest(
      new Request('http://127.0.0.1/api/v1/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': type },
        body: await encoded.arrayBuffer(),
      }),
    );
    expect(multipart.status, JSON.stringify(multipart.body)).toBe(201);

    const worker = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    const batch = new FormData();
    batch.append(lease!.leaseId, new Blob([new Uint8Array(await worker.compute(lease!))]), 'r.bin');
    const batchBody = new Response(batch);
    const results = await api.resultsRequest(
      new Request('http://127.0.0.1/api/v1/results', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${worker.token}`,
          'content-type': batchBody.headers
            .get('content-type')!
            .replace('multipart/form-data', 'MULTIPART/FORM-DATA'),
        },
        body: await batchBody.arrayBuffer(),
      }),
    );
    expect(results.status, JSON.stringify(results.body)).toBe(200);
    expect(results.body.results).toEqual([{ leaseId: lease!.leaseId, status: 'pending' }]);
    await settle(); // the next tests count rows: let the validator finish with this result first
  });

  it('POST /api/v1/jobs as multipart: missing job part, a text input, bad .npy', async () => {
    const before = await stored();
    const send = (form: FormData) =>
      api.createJobRequest(
        new Request('http://127.0.0.1/api/v1/jobs', {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.token}` },
          body: form,
        }),
      );
    const noMeta = new FormData();
    noMeta.append('a', new Blob([new Uint8Array(writeNpy(2, 4, new Float32Array(8)))]), 'a.npy');
    expectClientError(await send(noMeta), 400, 'invalid_request', /job/);
    const textInput = new FormData();
    textInput.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
    textInput.append('a', 'hello');
    expectClientError(await send(textInput), 400, 'invalid_input', /inputs\.a/);
    const badNpy = new FormData();
    badNpy.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
    badNpy.append('a', new Blob([new Uint8Array([1, 2, 3])]), 'a.npy');
    badNpy.append('b', new Blob([new Uint8Array(writeNpy(4, 3, new Float32Array(12)))]), 'b.npy');
    expectClientError(await send(badNpy), 400, 'invalid_input', /inputs\.a/);
    expect(await stored()).toEqual(before);

    for (const name of ['constructor', '__proto__', 'toString']) {
      const inherited = new FormData();
      inherited.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
      inherited.append(name, new Blob([new Uint8Array(8)]), 'x.bin');
      expectClientError(await send(inherited), 400, 'invalid_input', new RegExp(`no input "${name}"`));
    }

    const twice = new FormData();
    twice.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
    twice.append('job', JSON.stringify({ kernel: 'hashsearch', params: {} }));
    expectClientError(await send(twice), 400, 'invalid_request', /job: sent twice/);
    expect(await stored()).toEqual(before);

    // The job part as a file (a Blob gets a filename) is the same metadata; no input is named `job`.
    for (const kernel of Object.values(kernels)) expect(kernel.inputNames).not.toContain('job');
    const asFile = new FormData();
    const meta = JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } });
    asFile.append('job', new Blob([meta], { type: 'application/json' }), 'job.json');
    asFile.append('a', new Blob([new Uint8Array(writeNpy(2, 4, new Float32Array(8)))]), 'a.npy');
    asFile.append('b', new Blob([new Uint8Array(writeNpy(4, 3, new Float32Array(12)))]), 'b.npy');
    const fromFile = await send(asFile);
    expect(fromFile.status, JSON.stringify(fromFile.body)).toBe(201);

    const good = new FormData();
    good.append('job', JSON.stringify({ kernel: 'matmul', params: { m: 2, n: 3, k: 4 } }));
    good.append('a', new Blob([new Uint8Array(writeNpy(2, 4, new Float32Array(8)))]), 'a.npy');
    good.append('b', new Blob([new Uint8Array(writeNpy(4, 3, new Float32Array(12)))]), 'b.npy');
    const created = await send(good);
    expect(created.status).toBe(201);
  });

  it('POST /api/v1/leases', async () => {
    const worker = await SimVolunteer.register();
    const before = await stored();
    expectClientError(await api.lease(undefined, { max: 1, webgpu: true }), 401, 'unauthorized');
    expectClientError(await api.lease('sc_nope', { max: 1, webgpu: true }), 401, 'unauthorized');
    expectClientError(await api.lease(worker.token, undefined, '{max: 1}'), 400, 'invalid_json');
    expectClientError(await api.lease(worker.token, { max: 0, webgpu: true }), 400, 'invalid_request', /max/);
    expectClientError(
      await api.lease(worker.token, { max: 100000, webgpu: true }),
      400,
      'invalid_request',
      /max/,
    );
    expectClientError(
      await api.lease(worker.token, { max: 'all', webgpu: true }),
      400,
      'invalid_request',
      /max/,
    );
    expectClientError(await api.lease(worker.token, { max: 1 }), 400, 'invalid_request', /webgpu/);
    expectClientError(
      await api.lease(worker.token, { max: 1, webgpu: true, kernels: Array(33).fill('matmul') }),
      400,
      'invalid_request',
      /kernels: must name at most 32 kernels/,
    );
    expectClientError(
      await api.lease(worker.token, { max: 1, webgpu: true, kernels: 'matmul' }),
      400,
      'invalid_request',
      /kernels/,
    );
    expect(await stored()).toEqual(before);
  });

  it('PUT /api/v1/leases/{id}/result and POST /api/v1/results', async () => {
    await api.createJob(owner.token, goodMatmul());
    const worker = await SimVolunteer.register();
    const other = await SimVolunteer.register();
    const [lease] = await worker.lease(1);
    expect(lease).toBeDefined();
    const right = await worker.compute(lease!);
    const before = await stored();

    expectClientError(await api.put(undefined, lease!.leaseId, right), 401, 'unauthorized');
    expectClientError(
      await api.put(worker.token, lease!.leaseId, right.slice(4)),
      400,
      'wrong_result_size',
      /exactly 24 bytes/,
    );
    expectClientError(
      await api.put(worker.token, lease!.leaseId, new Uint8Array(0)),
      400,
      'wrong_result_size',
    );
    expectClientError(await api.put(other.token, lease!.leaseId, right), 404, 'not_found');
    expectClientError(
      await api.put(worker.token, '00000000-0000-4000-8000-000000000000', right),
      404,
      'not_found',
    );
    expectClientError(await api.put(worker.token, 'not-a-lease', right), 404, 'not_found');

    const notMultipart = new Request('http://127.0.0.1/api/v1/results', {
      method: 'POST',
      headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ [lease!.leaseId]: [1, 2, 3] }),
    });
    expectClientError(await api.resultsRequest(notMultipart), 415, 'unsupported_media_type', /multipart/);
    expectClientError(await api.batch(worker.token, []), 400, 'invalid_request', /empty/);
    const batch = await api.batch(worker.token, [
      { leaseId: lease!.leaseId, bytes: right.slice(0, 8) },
      { leaseId: 'nonsense', bytes: right },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].error).toMatchObject({ code: 'wrong_result_size', httpStatus: 400 });
    expect(batch.body.results[1].error).toMatchObject({ code: 'not_found', httpStatus: 404 });
    const unnamed = await api.resultsRequest(
      new Request('http://127.0.0.1/api/v1/results', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${worker.token}`,
          'content-type': 'multipart/form-data; boundary=x',
        },
        body: '--x\r\nContent-Disposition: form-data; filename="r.bin"\r\n\r\nabcd\r\n--x--\r\n',
      }),
    );
    const truncated = await api.resultsRequest(
      new Request('http://127.0.0.1/api/v1/results', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${worker.token}`,
          'content-type': 'multipart/form-data; boundary=x',
        },
        body: `--x\r\nContent-Disposition: form-data; name="${lease!.leaseId}"; filename="r.bin"\r\n\r\nabc`,
      }),
    );
    expectClientError(truncated, 400, 'invalid_request', /multipart/);
    // The part's stream fails after the answer: give an unheard error the time to surface.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unnamed.status).toBe(200);
    expect(unnamed.body.results).toEqual([
      {
        leaseId: '',
        error: {
          code: 'invalid_request',
          message: expect.stringMatching(/no name.*leaseId/),
          httpStatus: 400,
        },
      },
    ]);
    expect(await stored()).toEqual(before);

    expectClientError(
      await api.reportError(worker.token, lease!.leaseId, { message: '' }),
      400,
      'invalid_request',
      /message/,
    );
    expectClientError(
      await api.reportError(worker.token, lease!.leaseId, {}),
      400,
      'invalid_request',
      /message/,
    );
    expectClientError(
      await api.reportError(worker.token, lease!.leaseId, { message: 'x'.repeat(2001) }),
      400,
      'invalid_request',
      /message: must be at most 2000 characters/,
    );
    expectClientError(await api.reportError(other.token, lease!.leaseId, { message: 'x' }), 404, 'not_found');
    expectClientError(await api.release(undefined, lease!.leaseId), 401, 'unauthorized');
    expectClientError(await api.release(worker.token, 'nope'), 404, 'not_found');
    const accepted = await api.put(worker.token, lease!.leaseId, right);
    expect(accepted.status).toBe(202);
    // Lease ids are UUIDs, which compare in any letter case: the same lease, the same answer.
    const upper = lease!.leaseId.toUpperCase();
    const again = await api.put(worker.token, upper, right);
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.leaseId).toBe(lease!.leaseId);
    const batchAgain = await api.batch(worker.token, [{ leaseId: upper, bytes: right }]);
    expect(batchAgain.body.results[0]).toMatchObject({ leaseId: lease!.leaseId });
    expect(batchAgain.body.results[0].status).toBeDefined();
    const wrong = right.slice();
    wrong[3] = wrong[3]! ^ 0x40;
    expectClientError(
      await api.put(worker.token, lease!.leaseId, wrong),
      409,
      'conflict',
      /different result/,
    );
  });

  it('lease ids in upper case name the same lease when handed back or reported, answered in lower case', async () => {
    const job = await api.createJob(owner.token, {
      ...goodMatmul(),
      params: { m: 2, n: 3, k: 4, tileRows: 1 },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const worker = await SimVolunteer.register();
    const [first, second] = await worker.lease(2);
    expect(second).toBeDefined();
    const released = await api.release(worker.token, first!.leaseId.toUpperCase());
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toEqual({ leaseId: first!.leaseId, state: 'released' });
    const reported = await api.reportError(worker.token, second!.leaseId.toUpperCase(), {
      message: 'device lost',
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body.leaseId).toBe(second!.leaseId);
  });

  it('POST /api/v1/jobs with params larger than any kernel takes', async () => {
    const huge = { ...goodMatmul(), params: { m: 2, n: 3, k: 4, note: 'x'.repeat(300_000) } };
    expectClientError(
      await api.createJob(owner.token, huge),
      400,
      'invalid_request',
      /^params: longer than 262144/,
    );
  });

  it('GET endpoints with bad ids', async () => {
    expectClientError(await api.job('123'), 400, 'invalid_request', /id/);
    expectClientError(await api.job('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectClientError(await api.result('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectClientError(await api.blob('abc'), 400, 'invalid_request', /sha256/);
    expectClientError(await api.blob('0'.repeat(64)), 404, 'not_found');
    for (const query of ['?limit=-1', '?limit=abc', '?limit=', '?limit=2.5', '?limit=201']) {
      expectClientError(
        await api.listJobs(query),
        400,
        'invalid_request',
        /^limit: must be a whole number from 1 to 200$/,
      );
    }
    expectClientError(await api.me(undefined), 401, 'unauthorized');
    expectClientError(await api.cancel(owner.token, 'nope'), 400, 'invalid_request', /id/);
    const events = await api.events('00000000-0000-4000-8000-000000000000');
    expectClientError(
      { status: events.status, body: await events.json(), headers: events.headers },
      404,
      'not_found',
    );
    const queued = await api.createJob(owner.token, goodMatmul());
    expectClientError(await api.result(queued.body.jobId, owner.token), 409, 'not_ready', /queued/);
  });
});
