import { jobReservation } from '@/lib/protocol/job-cost';

export interface JobCostEstimate {
  shards: number;
  workUnits: number;
  /** The most the job can cost: what is reserved from the balance at submission (token units). */
  maxCost: bigint;
}

/**
 * Splits the job with the kernel's own `split` (as the server will) and prices it the way the
 * coordinator reserves it: Σ floor(price × shard work units) × most results per shard. The kernel
 * modules are loaded only now, so the form itself stays light.
 */
export async function estimateJobCost(job: {
  kernel: string;
  params: unknown;
  inputs: Record<string, Uint8Array>;
  price: bigint;
  maxResults: number;
}): Promise<JobCostEstimate> {
  const { getKernel } = await import('@/lib/kernels/registry');
  const kernel = getKernel(job.kernel);
  if (!kernel) throw new Error(`unknown kernel ${job.kernel}`);
  const specs = kernel.split({ params: job.params, inputs: job.inputs });
  const shards = specs.map((spec) => ({
    workUnits: kernel.workUnits(spec.params),
    maxResults: job.maxResults,
  }));
  return {
    shards: specs.length,
    workUnits: shards.reduce((sum, s) => sum + s.workUnits, 0),
    maxCost: jobReservation(job.price, shards),
  };
}
