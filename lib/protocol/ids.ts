import { z } from 'zod';

/** Branded ids: a job id or a blob address is never mistaken for any other string. */
export const jobIdSchema = z.uuid({ error: 'must be a job id (a UUID)' }).brand<'JobId'>();
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lower-case hex characters')
  .brand<'Sha256'>();

export type JobId = z.infer<typeof jobIdSchema>;
export type Sha256Hex = z.infer<typeof sha256HexSchema>;
