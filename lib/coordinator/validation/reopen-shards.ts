import { type SQL, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { lastEpochAt, revokePayments } from '../rewards/revoke-payments';

export interface ReopenableShard {
  shard_id: string;
  job_id: string;
}

/**
 * Verified shards that may still be decided again, locked: their job is running and not yet due for
 * assembly, and a result `r` of one of `volunteerIds` is part of the verified answer with no proof
 * behind it (`valid`, `plausible`, the canonical bytes) — and `r` also meets `condition`.
 */
export async function findReopenableShards(
  tx: Tx,
  volunteerIds: SQL,
  condition: SQL,
): Promise<ReopenableShard[]> {
  return queryRows<ReopenableShard>(
    tx,
    sql`
      SELECT s.id AS shard_id, s.job_id
      FROM results r
      JOIN shards s ON s.id = r.shard_id
      JOIN jobs j ON j.id = s.job_id
      WHERE r.volunteer_id IN (${volunteerIds}) AND r.status = 'valid' AND r.check_verdict = 'plausible'
        AND s.status = 'verified' AND r.sha256 = s.canonical_sha256
        AND j.status IN ('queued', 'running') AND j.assemble_after IS NULL
        AND ${condition}
      ORDER BY s.id
      FOR UPDATE OF s
    `,
  );
}

/**
 * Puts verified shards of running jobs back to `pending` for a new decision, in the caller's
 * transaction: the `offenders`' unproven results there become void (`invalid`, freeing their slot),
 * every other unproven valid result goes back to `pending` with its unpaid credit and payments
 * withdrawn (re-credited once if it holds; a result an epoch already paid stays valid), and the
 * shard is due for the validator again with a quorum of at least 2.
 */
export async function reopenShards(
  tx: Tx,
  now: Date,
  verifiedBy: ReopenableShard[],
  offenders: SQL | null,
): Promise<void> {
  const jobOf = new Map(verifiedBy.map((r) => [r.shard_id, r.job_id]));
  const shardList = sql.join(
    [...jobOf.keys()].map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const voided =
    offenders === null
      ? []
      : await queryRows<{ shard_id: string }>(
          tx,
          sql`
      UPDATE results SET status = 'invalid', reason = 'void: its volunteer later returned a wrong result'
      WHERE shard_id IN (${shardList}) AND volunteer_id IN (${offenders}) AND status = 'valid'
        AND check_verdict = 'plausible'
      RETURNING shard_id
    `,
        );
  // Partners whose credit an epoch already recorded keep it (and their verdict); the rest wait.
  const waiting = await queryRows<{ id: string; volunteer_id: string }>(
    tx,
    sql`
      UPDATE results r SET status = 'pending'
      WHERE r.shard_id IN (${shardList}) AND r.status = 'valid' AND r.check_verdict = 'plausible'
        AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.result_id = r.id AND c.created_at <= ${lastEpochAt})
      RETURNING r.id, r.volunteer_id
    `,
  );
  if (waiting.length > 0) {
    const waitingIds = sql.join(
      waiting.map((r) => sql`${r.id}::uuid`),
      sql`, `,
    );
    await tx.execute(sql`DELETE FROM credits WHERE result_id IN (${waitingIds})`);
    await revokePayments(
      tx,
      waiting.map((r) => r.id),
    );
    const perVolunteer = new Map<string, number>();
    for (const r of waiting) perVolunteer.set(r.volunteer_id, (perVolunteer.get(r.volunteer_id) ?? 0) + 1);
    for (const id of [...perVolunteer.keys()].sort()) {
      await tx.execute(sql`
        UPDATE volunteers SET shards_done = GREATEST(shards_done - ${perVolunteer.get(id)!}, 0)
        WHERE id = ${id}::uuid
      `);
    }
  }
  // A void result is unpaid, so it frees its slot as a refused one does (decide-shard.ts), within
  // replication.max × 3 results.
  const freed = new Map<string, number>();
  for (const r of voided) freed.set(r.shard_id, (freed.get(r.shard_id) ?? 0) + 1);
  await tx.execute(sql`
    UPDATE shards s SET status = 'pending', quorum = GREATEST(s.quorum, 2), best_agreeing = 0,
      canonical_sha256 = NULL, trusted_volunteer_id = NULL, validate_after = ${now},
      max_results = GREATEST(s.max_results, LEAST(s.max_results + v.freed, j.replication_max * 3))
    FROM (VALUES ${sql.join(
      [...jobOf.keys()].map((id) => sql`(${id}::uuid, ${freed.get(id) ?? 0}::int)`),
      sql`, `,
    )}) AS v(id, freed), jobs j
    WHERE s.id = v.id AND j.id = s.job_id
  `);
  const perJob = new Map<string, number>();
  for (const jobId of jobOf.values()) perJob.set(jobId, (perJob.get(jobId) ?? 0) + 1);
  for (const jobId of [...perJob.keys()].sort()) {
    await tx.execute(sql`
      UPDATE jobs SET shards_verified = shards_verified - ${perJob.get(jobId)!}, updated_at = ${now}
      WHERE id = ${jobId}::uuid
    `);
  }
}
