import { describe, expect, it } from 'vitest';
import { f32ToLe } from '@/lib/kernels/f32-le';
import { hashsearch } from '@/lib/kernels/hashsearch/hashsearch';
import { hashsearchShard } from '@/lib/kernels/hashsearch/hashsearch-ringers';
import { matmul } from '@/lib/kernels/matmul/matmul';
import { createComputeService } from './compute-service';

// Node has no WebGPU, so these tests cover the CPU fallback and validation; the GPU path (device
// loss, watchdog, timestamps) is tested in real Chromium by e2e/gpu-runtime.spec.ts.

const matmulShard = {
  params: { m: 3, n: 5, k: 4, row0: 0, rows: 3, col0: 0, cols: 5 },
  inputs: {
    a: f32ToLe(Float32Array.from({ length: 12 }, (_, i) => i - 5)),
    b: f32ToLe(Float32Array.from({ length: 20 }, (_, i) => 0.5 * i)),
  },
};

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => ({ name: error.name, message: error.message }),
  );
}

describe('compute service without WebGPU', () => {
  it('says it runs on the CPU and why', async () => {
    const service = createComputeService({ gpu: undefined });
    expect(await service.init()).toEqual({
      mode: 'cpu',
      vendor: '',
      architecture: '',
      description: 'CPU fallback: navigator.gpu is missing (no WebGPU in this browser)',
      fallback: false,
      features: [],
      timestampQuery: false,
    });
  });

  it('runs the kernels’ CPU reference, bytes identical to it', async () => {
    const service = createComputeService({ gpu: undefined });
    const out = await service.run({ kernel: 'matmul', ...matmulShard });
    expect(out.result).toEqual(matmul.reference(matmulShard));
    expect(out.gpuMs).toBeNull();
    expect(out.wallMs).toBeGreaterThanOrEqual(0);
    expect(out.shaderKey).toBeUndefined();
    const { params } = hashsearchShard({
      prefix: '00',
      difficulty: 4,
      nonceStart: '4294967290',
      nonceCount: 100,
    });
    const hs = await service.run({ kernel: 'hashsearch', params, inputs: {} });
    expect(hs.result).toEqual(hashsearch.reference({ params, inputs: {} }));
  });

  it('runs before init too (lazily initialised)', async () => {
    const service = createComputeService({ gpu: undefined });
    await expect(service.run({ kernel: 'matmul', ...matmulShard })).resolves.toHaveProperty('result');
  });

  it('rejects bad leases with InvalidShardError, before any work', async () => {
    const service = createComputeService({ gpu: undefined });
    expect(await rejection(service.run({ kernel: 'nope', params: {}, inputs: {} }))).toMatchObject({
      name: 'InvalidShardError',
    });
    const short = { ...matmulShard, inputs: { ...matmulShard.inputs, b: new Uint8Array(8) } };
    expect(await rejection(service.run({ kernel: 'matmul', ...short }))).toMatchObject({
      name: 'InvalidShardError',
      message: expect.stringContaining('matmul.reference'),
    });
  });

  it('has no GPU digest to offer', async () => {
    const service = createComputeService({ gpu: undefined });
    expect(await rejection(service.gpuSha256(new Uint8Array(8)))).toMatchObject({ name: 'KernelError' });
  });

  it('loseDevice is harmless without a device', async () => {
    const service = createComputeService({ gpu: undefined });
    await service.loseDevice();
    await expect(service.run({ kernel: 'matmul', ...matmulShard })).resolves.toHaveProperty('result');
  });
});

describe('compute service when the browser offers no adapter', () => {
  it('falls back to the CPU, saying requestAdapter found nothing, and tries again on init', async () => {
    let calls = 0;
    const gpu = {
      requestAdapter: async () => {
        calls++;
        return null;
      },
    } as unknown as GPU;
    const service = createComputeService({ gpu });
    const summary = await service.init();
    expect(summary.mode).toBe('cpu');
    expect(summary.description).toMatch(/requestAdapter\(\) found no WebGPU adapter/);
    await service.run({ kernel: 'matmul', ...matmulShard });
    expect(calls).toBe(1);
    await service.init();
    expect(calls).toBe(2);
  });

  it('falls back when acquiring the adapter throws', async () => {
    const gpu = {
      requestAdapter: async () => {
        throw new Error('blocklisted');
      },
    } as unknown as GPU;
    const summary = await createComputeService({ gpu }).init();
    expect(summary).toMatchObject({ mode: 'cpu', description: expect.stringContaining('blocklisted') });
  });

  it('forceCpu never asks for an adapter', async () => {
    let calls = 0;
    const gpu = {
      requestAdapter: async () => {
        calls++;
        return null;
      },
    } as unknown as GPU;
    const service = createComputeService({ gpu });
    expect(await service.init({ forceCpu: true })).toMatchObject({
      mode: 'cpu',
      description: 'CPU fallback: forced by forceCpu',
    });
    await service.run({ kernel: 'matmul', ...matmulShard });
    expect(calls).toBe(0);
  });
});

describe('compute service: onnx shards', () => {
  it('runs them in onnxruntime-web (WebAssembly without WebGPU), caching the session, rows matching onnxruntime-node', async () => {
    const { buildExampleModel, exampleInputNpy } = await import('@/lib/kernels/onnx/example-model');
    const { onnx } = await import('@/lib/kernels/onnx/onnx');
    const shard = onnx.split({
      params: { rowsPerShard: 7 },
      inputs: { model: buildExampleModel(), x: exampleInputNpy(10) },
    })[1]!;
    const service = createComputeService({ gpu: undefined });
    const request = { kernel: 'onnx', params: shard.params, inputs: { ...shard.inputs } };
    const first = await service.run(request);
    expect(first.shaderKey).toBe('onnx/wasm');
    expect(first.result.length).toBe(3 * 10 * 4);
    const second = await service.run(request);
    expect(second.result).toEqual(first.result);
    expect(await onnx.verify.check(shard, first.result)).toEqual({ status: 'valid' });
    // x2 is optional for a one-input model; a missing model is a bad lease.
    const { model: _model, ...withoutModel } = shard.inputs;
    expect(
      await rejection(service.run({ kernel: 'onnx', params: shard.params, inputs: withoutModel })),
    ).toMatchObject({ name: 'InvalidShardError', message: expect.stringContaining('missing model') });
  });
});
