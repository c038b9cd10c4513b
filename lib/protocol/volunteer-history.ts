import { z } from 'zod';

/** `GET /api/v1/volunteers/me/history`: verified credit per UTC day, oldest first, days without credit left out. */
export const volunteerHistorySchema = z.object({
  days: z.array(
    z.object({
      /** `YYYY-MM-DD`, UTC. */
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      /** Work units credited that day. */
      workUnits: z.number(),
      /** Verified results credited that day. */
      results: z.number().int(),
    }),
  ),
});

export type VolunteerHistory = z.infer<typeof volunteerHistorySchema>;
