import { z } from 'zod';

export const registerVolunteerRequestSchema = z.strictObject({
  /** The embedding site's name (the widget's `data-site`), for attribution. */
  site: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain letters, digits, ".", "_", ":" and "-" only')
    .optional(),
});

export const registerVolunteerResponseSchema = z.object({
  volunteerId: z.uuid(),
  /** The Bearer token for every other volunteer call; shown once, stored only as a hash. */
  token: z.string(),
});

export const volunteerMeResponseSchema = z.object({
  volunteerId: z.uuid(),
  site: z.string().nullable(),
  address: z.string().nullable(),
  credit: z.object({
    /** Work units of results that wait for a quorum. */
    pending: z.number(),
    /** Work units in the ledger (verified, agreeing results). */
    verified: z.number(),
  }),
  shardsDone: z.number().int(),
  shardsRejected: z.number().int(),
});

export type RegisterVolunteerRequest = z.infer<typeof registerVolunteerRequestSchema>;
export type VolunteerMe = z.infer<typeof volunteerMeResponseSchema>;
export type RegisterVolunteerResponse = z.infer<typeof registerVolunteerResponseSchema>;
