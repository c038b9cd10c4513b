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

/**
 * Token units (10⁻¹⁸ CYCLE) as decimal strings. Defaults let clients read coordinators that
 * predate paid jobs.
 */
export const volunteerMoneySchema = z.object({
  /** Earned from verified results of paid jobs, after the protocol fee (claimable once in an epoch). */
  earnings: z.string().default('0'),
  /** The linked wallet's spendable balance for paying jobs ("0" without a wallet). */
  balance: z.string().default('0'),
  /** Held by the wallet's paid jobs that are still running. */
  reserved: z.string().default('0'),
  /** Where the balance came from and went; null without a linked wallet. */
  funds: z
    .object({ deposited: z.string(), granted: z.string(), withdrawn: z.string(), spent: z.string() })
    .nullable()
    .default(null),
});

export const volunteerMeResponseSchema = volunteerMoneySchema.extend({
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
export type VolunteerMoney = z.infer<typeof volunteerMoneySchema>;
