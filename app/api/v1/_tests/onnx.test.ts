import { beforeAll, describe, expect, it } from 'vitest';
import { f32FromLe, f32ToLe } from '@/lib/kernels/f32-le';
import { parseNpyArray, writeNpyArray } from '@/lib/kernels/npy';
import { buildExampleModel, exampleInputNpy, exampleRows } from '@/lib/kernels/onnx/example-model';
import { runOnnxNode } from '@/lib/kernels/onnx/onnx-node-runner';
import { denseModel } from '@/lib/kernels/onnx/onnx-test-models';
import { api, backend, leaseInputs, settle, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

testDbForFile();
let owner: SimVolunteer;
const model = buildExampleModel();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

beforeAll(async () => {
  owner = await SimVolunteer.register();
});

describe(`onnx through the API (${backend})`, () => {
  it('answers 400 naming what to fix: not a model, a shape mismatch, an unsupported operator', async () => {
    const x = exampleInputNpy(8);
    const notModel = await api.createJob(owner.token, {
      kernel: 'onnx',
      params: {},
      inputs: { model: b64(new TextEncoder().encode('{"not": "onnx"} but some json')), x: b64(x) },
    });
    expect(notModel.status).toBe(400);
    expect(notModel.body.error.code).toBe('invalid_input');
    expect(notModel.body.error.message).toMatch(/^inputs\.model: model is not/);

    const mismatch = await api.createJob(owner.token, {
      kernel: 'onnx',
      params: {},
      inputs: { model: b64(model), x: b64(writeNpyArray([8, 32], new Float32Array(256))) },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toMatch(
      /inputs\.x: x has shape \(8, 32\) .* axis 1 must be 64, not 32/,
    );

    const custom = denseModel({
      nodes: [{ opType: 'Frobnicate', domain: 'org.example', inputs: ['x', 'w'], outputs: ['y'], name: 'f' }],
    });
    const unsupported = await api.createJob(owner.token, {
      kernel: 'onnx',
      params: {},
      inputs: { model: b64(custom), x: b64(writeNpyArray([2, 4], new Float32Array(8))) },
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.message).toMatch(/org\.example::Frobnicate \(node f\)/);
  });

  it('verifies honest rows with one replica, rejects a forged result, and assembles y.npy', async () => {
    const rows = 40;
    const created = await api.createJob(owner.token, {
      kernel: 'onnx',
      params: { rowsPerShard: 16 },
      inputs: { model: b64(model), x: b64(exampleInputNpy(rows)) },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.shards).toBe(3);

    const cheater = await SimVolunteer.register();
    const [forgedLease] = await cheater.lease(1);
    expect(forgedLease!.kernel).toBe('onnx');
    const rowsOf = (forgedLease!.params as { rows: number }).rows;
    const [forged] = await cheater.submitBatch([
      { leaseId: forgedLease!.leaseId, bytes: f32ToLe(new Float32Array(rowsOf * 10).fill(0.1)) },
    ]);
    expect(forged!.status).toBe('pending');
    await settle();
    const [again] = await cheater.submitBatch([
      { leaseId: forgedLease!.leaseId, bytes: f32ToLe(new Float32Array(rowsOf * 10).fill(0.1)) },
    ]);
    expect(again!.status).toBe('invalid');

    const honest = await SimVolunteer.register();
    for (let round = 0; round < 5; round++) {
      const leases = await honest.lease(8);
      if (leases.length === 0) break;
      const parts = await Promise.all(
        leases.map(async (lease) => {
          const inputs = await leaseInputs(lease);
          const params = lease.params as { rows: number };
          const out = await runOnnxNode(
            inputs.model!,
            [{ name: 'x', dims: [64], data: f32FromLe(inputs.x!) }],
            'probs',
            params.rows,
          );
          return { leaseId: lease.leaseId, bytes: f32ToLe(out) };
        }),
      );
      await honest.submitBatch(parts);
      await settle();
    }
    expect((await api.job(created.body.jobId)).body.status).toBe('completed');
    const y = parseNpyArray((await api.result(created.body.jobId, owner.token)).body as Uint8Array, 'y');
    expect(y.shape).toEqual([rows, 10]);
    const expected = await runOnnxNode(
      model,
      [{ name: 'x', dims: [64], data: exampleRows(rows) }],
      'probs',
      rows,
    );
    for (let i = 0; i < expected.length; i++) expect(y.data[i]).toBeCloseTo(expected[i]!, 5);
  });
});
