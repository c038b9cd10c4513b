import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import type { JobSummary } from '../../protocol/jobs';

/**
 * The payment state of each paid job among `jobIds` (unpaid jobs are absent): price, what is held,
 * spent and returned, token units as decimal strings.
 */
export async function getJobPayments(
  db: Queryable,
  jobIds: readonly string[],
): Promise<Map<string, NonNullable<JobSummary['payment']>>> {
  if (jobIds.length === 0) return new Map();
  const rows = await queryRows<{
    job_id: string;
    price: string;
    reserved: string;
    spent: string;
    refunded: string | null;
    status: string;
    fee_bps: number;
  }>(
    db,
    sql`SELECT job_id, price_per_work_unit::text AS price, reserved::text, spent::text, refunded::text, status, fee_bps
        FROM job_payments WHERE job_id IN (${sql.join(
          jobIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  return new Map(
    rows.map((r) => [
      r.job_id,
      {
        pricePerWorkUnit: r.price,
        reserved: r.reserved,
        spent: r.spent,
        remaining: r.status === 'open' ? (BigInt(r.reserved) - BigInt(r.spent)).toString() : '0',
        refunded: r.refunded,
        feeBps: Number(r.fee_bps),
      },
    ]),
  );
}
