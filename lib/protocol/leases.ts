import { z } from 'zod';

/** What a worker knows about its GPU, sent with each lease request (for homogeneous redundancy). */
export const adapterInfoSchema = z.strictObject({
  vendor: z.string().max(100),
  architecture: z.string().max(100),
  features: z.array(z.string().max(100)).max(64).default([]),
  fallback: z.boolean().optional(),
});

export const leaseRequestSchema = z.strictObject({
  max: z
    .number({ error: 'must be a number of shards' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(256, 'must be at most 256'),
  webgpu: z.boolean({ error: 'must be true or false: whether this worker has WebGPU' }),
  kernels: z
    .array(z.string().max(64, 'must be at most 64 characters'), { error: 'must be a list of kernel names' })
    .max(32, 'must name at most 32 kernels')
    .optional(),
  adapter: adapterInfoSchema.optional(),
});

export const leaseInputSchema = z.object({
  name: z.string(),
  url: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
});

export const leaseSchema = z.object({
  leaseId: z.uuid(),
  jobId: z.uuid(),
  shardId: z.uuid(),
  kernel: z.string(),
  params: z.unknown(),
  inputs: z.array(leaseInputSchema),
  /** ISO 8601; a result after this is refused with 410 and the shard goes to someone else. */
  deadline: z.string(),
});

export const leaseResponseSchema = z.object({
  leases: z.array(leaseSchema),
  /** Present when no work was found: wait this long before asking again. */
  retryAfterMs: z.number().int().optional(),
});

export type LeaseRequest = z.infer<typeof leaseRequestSchema>;
export type Lease = z.infer<typeof leaseSchema>;
export type LeaseResponse = z.infer<typeof leaseResponseSchema>;

/** `POST /api/v1/leases/{leaseId}/error`: what went wrong while computing the shard. */
export const leaseErrorReportSchema = z.strictObject({
  message: z
    .string({ error: 'must say what went wrong' })
    .trim()
    .min(1, 'must not be empty')
    .max(2000, 'must be at most 2000 characters'),
  /** The error's name (e.g. `DeviceLostError`, `ShardTimeoutError`, `KernelError`). */
  name: z.string().max(100).optional(),
});

export const leaseReleaseResponseSchema = z.object({
  leaseId: z.uuid(),
  state: z.enum(['released', 'failed', 'completed', 'cancelled']),
});
