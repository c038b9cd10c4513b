import { z } from 'zod';
import { jobStatuses } from './states';

export const jobStatusSchema = z.enum(jobStatuses);

/**
 * Who may read a job's data. `private` (the default for API submissions: real data should not leak
 * because a flag was forgotten): inputs, results and params only for the submitter and, for one
 * shard's inputs, the volunteer leasing it. `public`: anyone (showcases, demos).
 */
export const jobVisibilitySchema = z.enum(['public', 'private'], {
  error: 'must be "public" or "private"',
});

export const replicationSchema = z
  .strictObject({
    min: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10'),
    max: z.number().int('must be a whole number').min(1, 'must be at least 1').max(20, 'must be at most 20'),
  })
  .refine((r) => r.max >= r.min, { message: 'max must be at least min', path: ['max'] });

/** A decimal string of token units (10⁻¹⁸ CYCLE), below 2¹²⁸. */
export const tokenUnitsSchema = z
  .string({ error: 'must be a decimal string of token units, e.g. "1000000000000000"' })
  .regex(/^[0-9]{1,39}$/, 'must be a decimal string of token units (10^-18 CYCLE), e.g. "1000000000000000"');

/** What a paid job pays: token units per verified work unit (the volunteer gets it less the protocol fee). */
export const jobPaymentRequestSchema = z.strictObject({ pricePerWorkUnit: tokenUnitsSchema });

/** `POST /api/v1/jobs` as JSON: every input file base64-encoded under `inputs.{name}`. */
export const createJobRequestSchema = z.strictObject({
  kernel: z
    .string({ error: 'must name a kernel, e.g. "matmul"' })
    .min(1, 'must name a kernel, e.g. "matmul"')
    .max(64, 'must be at most 64 characters'),
  params: z.record(z.string(), z.unknown(), { error: 'must be an object of kernel parameters' }),
  inputs: z
    .record(z.string().max(64), z.string({ error: 'must be a base64 string' }), {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? 'input names must be at most 64 characters'
          : 'must be an object mapping input names to base64 strings',
    })
    .default({}),
  replication: replicationSchema.optional(),
  title: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  visibility: jobVisibilitySchema.default('private'),
  /** Unset: an unpaid job (volunteers earn credit, no tokens). */
  payment: jobPaymentRequestSchema.optional(),
});

/** The same request without `inputs`, as the `job` JSON part of a multipart upload. */
export const createJobMultipartMetaSchema = createJobRequestSchema.omit({ inputs: true });

export const createJobResponseSchema = z.object({
  jobId: z.uuid(),
  shards: z.number().int(),
  /** The replication the job got: the request's, raised to the kernel's safe minimum. */
  replication: z.object({ min: z.number().int(), max: z.number().int() }),
  /** Present when the requested replication was raised, saying why. */
  notice: z.string().optional(),
});

export const jobSummarySchema = z.object({
  jobId: z.uuid(),
  kernel: z.string(),
  title: z.string().nullable(),
  status: jobStatusSchema,
  visibility: jobVisibilitySchema,
  /** The kernel params; null for a private job seen by anyone but its submitter. */
  params: z.unknown(),
  replication: z.object({ min: z.number().int(), max: z.number().int() }),
  progress: z.object({
    total: z.number().int(),
    verified: z.number().int(),
    failed: z.number().int(),
    /** Shards with at least one live lease right now. */
    running: z.number().int(),
  }),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Paid jobs: the price, what is held, spent and returned (token units); null for unpaid jobs. */
  payment: z
    .object({
      pricePerWorkUnit: z.string(),
      /** The worst case held at creation. */
      reserved: z.string(),
      /** Paid to volunteers and fees so far. */
      spent: z.string(),
      /** Still held (0 once settled). */
      remaining: z.string(),
      /** Returned to the payer's balance when the job ended; null while it runs. */
      refunded: z.string().nullable(),
      feeBps: z.number().int(),
    })
    .nullable()
    .default(null),
  /** Present once completed: where to download the verified output. */
  result: z
    .object({ url: z.string(), contentType: z.string(), filename: z.string(), bytes: z.number() })
    .nullable(),
});

export const jobListResponseSchema = z.object({ jobs: z.array(jobSummarySchema) });

export type CreateJobRequest = z.infer<typeof createJobRequestSchema>;
export type JobSummary = z.infer<typeof jobSummarySchema>;
export type JobStatus = z.infer<typeof jobStatusSchema>;
export type JobVisibility = z.infer<typeof jobVisibilitySchema>;
