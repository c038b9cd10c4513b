import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';

/** When the last reward epoch was recorded: credit and payments after it are not paid out yet. */
export const lastEpochAt = sql`COALESCE((SELECT max(created_at) FROM reward_epochs), '-infinity'::timestamptz)`;

/**
 * Takes back what paid jobs paid for results whose credit was just revoked (their volunteer later
 * returned a wrong result, see reputation/update-reputations.ts): the payment and its fee leave the
 * ledger, and the amount returns to the job's reservation — to the job's budget while it runs, to
 * its payer's balance once it is settled (the balance counts a settled job's `spent`). Only entries
 * no reward epoch has recorded yet are taken back, as for credit: an epoch's root is claimable.
 * Call it in the transaction that revokes the credit.
 */
export async function revokePayments(tx: Queryable, resultIds: readonly string[]): Promise<void> {
  if (resultIds.length === 0) return;
  const keys = resultIds.flatMap((id) => [`payment:${id}`, `fee:${id}`]);
  const taken = await queryRows<{ job_id: string; amount: string }>(
    tx,
    sql`
      DELETE FROM ledger_entries
      WHERE key IN (${sql.join(
        keys.map((key) => sql`${key}`),
        sql`, `,
      )})
        AND created_at > ${lastEpochAt}
      RETURNING job_id, amount::text
    `,
  );
  const perJob = new Map<string, bigint>();
  for (const row of taken) perJob.set(row.job_id, (perJob.get(row.job_id) ?? 0n) + BigInt(row.amount));
  for (const jobId of [...perJob.keys()].sort()) {
    const amount = perJob.get(jobId)!.toString();
    await tx.execute(sql`
      UPDATE job_payments
      SET spent = spent - ${amount}::numeric,
          refunded = CASE WHEN status = 'settled' THEN refunded + ${amount}::numeric ELSE refunded END
      WHERE job_id = ${jobId}::uuid
    `);
  }
}
