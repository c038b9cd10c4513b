import { createComputeWorker } from '@/workers/create-compute-worker';
import type { RunReport } from './wgsl-dry-run';

function previewBytes(bytes: Uint8Array): string {
  const floats: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset + 4 <= bytes.length && floats.length < 6; offset += 4) {
    floats.push(String(Number(view.getFloat32(offset, true).toPrecision(5))));
  }
  const u32: string[] = [];
  for (let offset = 0; offset + 4 <= bytes.length && u32.length < 6; offset += 4) {
    u32.push(String(view.getUint32(offset, true)));
  }
  return bytes.length === 0 ? '(empty)' : `as u32 [${u32.join(', ')}] · as f32 [${floats.join(', ')}]`;
}

/**
 * Splits the job with the kernel's own `split` (the same validation the server runs) and runs its
 * first shard in a fresh compute worker in this browser, the way a volunteer would. The kernel
 * modules are loaded only now, so the form itself stays light.
 */
export async function runFirstShard(job: {
  kernel: string;
  params: unknown;
  inputs: Record<string, Uint8Array>;
}): Promise<RunReport> {
  const { getKernel } = await import('@/lib/kernels/registry');
  const kernel = getKernel(job.kernel);
  if (!kernel) throw new Error(`unknown kernel ${job.kernel}`);
  const shards = kernel.split({ params: job.params, inputs: job.inputs });
  const shard = shards[0];
  if (!shard) throw new Error('the job has no shards');
  const worker = createComputeWorker();
  try {
    const adapter = await worker.api.init();
    const started = performance.now();
    const run = await worker.api.run(
      { kernel: job.kernel, params: shard.params, inputs: { ...shard.inputs } },
      { timeoutMs: 20_000 },
    );
    return {
      shard: `shard 1 of ${shards.length} (${adapter.mode === 'webgpu' ? 'WebGPU' : 'CPU'})`,
      bytes: run.result.length,
      ms: run.wallMs || performance.now() - started,
      preview: previewBytes(run.result),
    };
  } finally {
    worker.terminate();
  }
}
