import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { lastEpochAt, revokePayments } from '../rewards/revoke-payments';
import { findReopenableShards, reopenShards } from '../validation/reopen-shards';

export interface ReputationEvent {
  volunteerId: string;
  kernel: string;
  /** The result became `valid` (true) or `invalid` (false). */
  valid: boolean;
}

/**
 * Moves reputations by one validation step's verdicts, inside its transaction: every valid result
 * adds one to its volunteer's consecutive-valid count on its kernel; one invalid result resets it to
 * 0 and takes back what that volunteer was given on trust (`revokeUnearnedTrust`). Rows are written
 * in (volunteer, kernel) order so concurrent validators cannot deadlock.
 */
export async function updateReputations(tx: Tx, now: Date, events: ReputationEvent[]): Promise<void> {
  if (events.length === 0) return;
  const byKey = new Map<string, { volunteerId: string; kernel: string; valid: number; reset: boolean }>();
  for (const e of events) {
    const key = `${e.volunteerId}|${e.kernel}`;
    const entry = byKey.get(key) ?? { volunteerId: e.volunteerId, kernel: e.kernel, valid: 0, reset: false };
    if (e.valid) entry.valid += 1;
    else entry.reset = true;
    byKey.set(key, entry);
  }
  const rows = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
  // One statement for the batch: a reset travels as -1 (set to 0 on conflict, and a fresh row
  // holding -1 is corrected right after, on rows this transaction already locked).
  await tx.execute(sql`
    INSERT INTO reputations (volunteer_id, kernel, consecutive_valid, updated_at)
    SELECT v.volunteer_id, v.kernel, v.delta, ${now}::timestamptz
    FROM (VALUES ${sql.join(
      rows.map((r) => sql`(${r.volunteerId}::uuid, ${r.kernel}::text, ${r.reset ? -1 : r.valid}::int)`),
      sql`, `,
    )}) AS v(volunteer_id, kernel, delta)
    ON CONFLICT (volunteer_id, kernel) DO UPDATE SET
      consecutive_valid = CASE WHEN EXCLUDED.consecutive_valid < 0 THEN 0
        ELSE reputations.consecutive_valid + EXCLUDED.consecutive_valid END,
      updated_at = EXCLUDED.updated_at
  `);
  const offenders = [...new Set(rows.filter((r) => r.reset).map((r) => r.volunteerId))].sort();
  if (offenders.length > 0) {
    await tx.execute(sql`
      UPDATE reputations SET consecutive_valid = 0
      WHERE consecutive_valid < 0 AND volunteer_id IN (${sql.join(
        offenders.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
    `);
    await revokeUnearnedTrust(tx, now, offenders);
  }
}

/**
 * What a volunteer caught with a wrong answer loses beside its reputation (docs/trust.md):
 * - Credit not yet paid out — created after the last reward epoch was recorded — for every result
 *   of theirs that no proof backs (`check_verdict` is not `valid`). Results a kernel proof checked
 *   (Freivalds, ringers) were re-verified by that proof and keep their credit; an unproven result
 *   cannot be re-verified without recomputing it, so its unpaid credit is revoked.
 * - Shards their unproven result helped verify — alone (adaptive replication) or in the group that
 *   first verified it (a bloc member's partner may be a bloc member too), not as a later
 *   known-answer replica — go back to `pending` with a quorum of at least 2 while their job is still
 *   running and not yet due for assembly. Their result there is void; the rest of that group waits
 *   for the new decision, its unpaid credit withdrawn until then (re-credited once, if it holds).
 */
export async function revokeUnearnedTrust(tx: Tx, now: Date, volunteerIds: string[]): Promise<void> {
  const ids = sql.join(
    volunteerIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  // Read before the credit goes: the verifying group is the one credited first on the shard.
  const verifiedBy = await findReopenableShards(
    tx,
    ids,
    sql`(s.trusted_volunteer_id = r.volunteer_id OR EXISTS (
      SELECT 1 FROM credits c WHERE c.result_id = r.id AND c.created_at = (
        SELECT min(c2.created_at) FROM credits c2 JOIN results r2 ON r2.id = c2.result_id
        WHERE r2.shard_id = s.id)))`,
  );
  const revoked = await queryRows<{ result_id: string }>(
    tx,
    sql`
      DELETE FROM credits c
      USING results r
      WHERE c.result_id = r.id AND c.volunteer_id IN (${ids})
        AND r.check_verdict IS DISTINCT FROM 'valid'
        AND c.created_at > ${lastEpochAt}
      RETURNING c.result_id
    `,
  );
  await revokePayments(
    tx,
    revoked.map((r) => r.result_id),
  );
  if (revoked.length > 0) {
    await tx.execute(sql`
      UPDATE results SET reason = 'credit revoked: its volunteer later returned a wrong result'
      WHERE id IN (${sql.join(
        revoked.map((r) => sql`${r.result_id}::uuid`),
        sql`, `,
      )})
    `);
  }
  if (verifiedBy.length > 0) await reopenShards(tx, now, verifiedBy, ids);
}
