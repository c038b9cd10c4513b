import { z } from 'zod';

/** Branded ids: a lease id can never be passed where a job id is expected. */
export const jobIdSchema = z.uuid({ error: 'must be a job id (a UUID)' }).brand<'JobId'>();
export const shardIdSchema = z.uuid({ error: 'must be a shard id (a UUID)' }).brand<'ShardId'>();
export const leaseIdSchema = z.uuid({ error: 'must be a lease id (a UUID)' }).brand<'LeaseId'>();
export const volunteerIdSchema = z.uuid().brand<'VolunteerId'>();
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lower-case hex characters')
  .brand<'Sha256'>();

export type JobId = z.infer<typeof jobIdSchema>;
export type ShardId = z.infer<typeof shardIdSchema>;
export type LeaseId = z.infer<typeof leaseIdSchema>;
export type VolunteerId = z.infer<typeof volunteerIdSchema>;
export type Sha256Hex = z.infer<typeof sha256HexSchema>;
