import type { LeaseRequest } from '../../protocol/leases';

/**
 * The class of hardware a worker computes on, for homogeneous redundancy: results of kernels that
 * need bit-exact agreement are only compared between workers of one class. CPU fallbacks form one
 * class (JavaScript's float arithmetic is specified exactly); GPUs are classed by vendor and
 * architecture as the adapter reports them.
 *
 * @example adapterClass({ webgpu: true, adapter: { vendor: 'NVIDIA', architecture: 'hopper', features: [] } }) // 'nvidia/hopper'
 */
export function adapterClass(request: Pick<LeaseRequest, 'webgpu' | 'adapter'>): string {
  if (!request.webgpu) return 'cpu';
  if (!request.adapter) return 'webgpu/unknown';
  const part = (value: string) =>
    value
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-') || 'unknown';
  const base = `${part(request.adapter.vendor)}/${part(request.adapter.architecture)}`;
  return request.adapter.fallback ? `${base}/fallback` : base;
}
