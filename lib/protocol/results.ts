import { z } from 'zod';
import { resultStatuses } from './states';

/**
 * What the coordinator says about a submitted result:
 * - `pending`: accepted, waiting for other replicas to agree.
 * - `valid`: verified (credited).
 * - `invalid`: wrong (failed the kernel's check or disagreed with the quorum); no credit.
 */
export const resultStatusSchema = z.enum(resultStatuses);

export const resultResponseSchema = z.object({
  leaseId: z.uuid(),
  status: resultStatusSchema,
});

export const batchResultItemSchema = z.object({
  leaseId: z.string(),
  status: resultStatusSchema.optional(),
  /** Set when this part was refused; `status` is then absent. Same codes as the PUT. */
  error: z.object({ code: z.string(), message: z.string(), httpStatus: z.number().int() }).optional(),
});

export const batchResultResponseSchema = z.object({ results: z.array(batchResultItemSchema) });

export type ResultStatus = z.infer<typeof resultStatusSchema>;
export type BatchResultItem = z.infer<typeof batchResultItemSchema>;
