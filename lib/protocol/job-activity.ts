import { z } from 'zod';

/**
 * `GET /api/v1/jobs/{id}/activity`: what a job is waiting for, so its page can say it instead of
 * "estimating…" forever (a quorum job with one volunteer never finishes, and should say why).
 */
export const jobActivitySchema = z.object({
  /** The window `shardsVerifiedRecently` covers. */
  windowSeconds: z.number().int(),
  /**
   * Volunteers donating now: asked for work in the last 30 s (any job; a volunteer with nothing it
   * may lease still asks), or hold a live lease.
   */
  volunteersActive: z.number().int(),
  queue: z.object({
    /** Unverified shards of all queued or running jobs: the work waiting for volunteers. */
    shardsWaiting: z.number().int(),
    /** Queued or running jobs submitted before this one (leases go to older jobs first). */
    jobsAhead: z.number().int(),
  }),
  job: z.object({
    /** Agreeing results a shard needs (the largest quorum among its unverified shards). */
    quorum: z.number().int(),
    /** Unverified shards that have results but not yet a quorum: they wait for other volunteers. */
    shardsAwaitingAgreement: z.number().int(),
    /** Distinct volunteers who sent results for this job. */
    volunteersContributed: z.number().int(),
    /** Shards verified within the window (for estimates from recent throughput). */
    shardsVerifiedRecently: z.number().int(),
    /** The newest lease of this job (null: never leased). */
    lastLeaseAt: z.string().nullable(),
  }),
});

export type JobActivity = z.infer<typeof jobActivitySchema>;
