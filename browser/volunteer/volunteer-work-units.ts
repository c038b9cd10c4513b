import { getKernel } from '@/lib/kernels/registry';

/**
 * The credit a shard earns once verified (the kernel's `workUnits`), for the throughput figures;
 * 0 for a kernel this build does not know or params it cannot parse (the worker will refuse those
 * anyway, and a wrong figure on a chart must not stop the loop).
 */
export function shardWorkUnits(kernel: string, params: unknown): number {
  const descriptor = getKernel(kernel);
  if (!descriptor) return 0;
  const parsed = descriptor.shardParamsSchema.safeParse(params);
  if (!parsed.success) return 0;
  try {
    return descriptor.workUnits(parsed.data);
  } catch {
    return 0;
  }
}
