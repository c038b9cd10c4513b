import type { JobSummary } from '../../protocol/jobs';

/** A job's `job_payments` columns as text, all null for an unpaid job (a LEFT JOIN that found nothing). */
export interface JobPaymentColumns {
  price: string | null;
  reserved: string | null;
  spent: string | null;
  refunded: string | null;
  payment_status: string | null;
  fee_bps: number | null;
}

/**
 * The payment state a job summary shows: price, what is held, spent and returned (token units as
 * decimal strings), or null for an unpaid job. Pure: the caller reads the columns in the query it
 * already makes (job summaries are read in a fixed number of queries, however many jobs).
 */
export function jobPaymentSummary(row: JobPaymentColumns | undefined): JobSummary['payment'] {
  if (!row || row.price === null || row.reserved === null || row.spent === null) return null;
  return {
    pricePerWorkUnit: row.price,
    reserved: row.reserved,
    spent: row.spent,
    remaining: row.payment_status === 'open' ? (BigInt(row.reserved) - BigInt(row.spent)).toString() : '0',
    refunded: row.refunded,
    feeBps: Number(row.fee_bps),
  };
}
