import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';
import { env } from '../../env';
import { ApiError } from '../../errors';
import { jobReservation } from '../../protocol/job-cost';
import { getAccountBalance, lockAccount } from './account-balance';
import { maxTokenAmount, parseTokenAmount } from './token-amount';

export interface ReserveJobFundsInput {
  jobId: string;
  ownerId: string;
  /** `payment` from the request; undefined for an unpaid job (nothing is reserved). */
  payment?: { pricePerWorkUnit: string };
  /** The job's shards as inserted: work units and the most results each may receive. */
  shards: readonly { workUnits: number; maxResults: number }[];
}

/**
 * Reserves a paid job's worst-case cost from its submitter's balance, inside the transaction that
 * creates the job (so a job never exists unfunded and a refused job leaves nothing behind). Unpaid
 * jobs (no `payment`) reserve nothing. The account is locked while its balance is read and
 * charged, so two jobs can never spend the same tokens.
 *
 * @throws ApiError 402 `insufficient_funds` with `missing`, `required` and `balance` (token units),
 * and a 409 `wallet_required` when the submitter has no linked wallet to pay from.
 */
export async function reserveJobFunds(tx: Queryable, input: ReserveJobFundsInput): Promise<void> {
  if (!input.payment) return;
  const price = parseTokenAmount(input.payment.pricePerWorkUnit, 'payment.pricePerWorkUnit');
  const required = jobReservation(price, input.shards);
  if (required === 0n) {
    throw new ApiError(
      'invalid_request',
      'payment.pricePerWorkUnit: the job would cost 0 token units at this price; raise the price or submit it unpaid.',
      'payment.pricePerWorkUnit',
    );
  }
  if (required > maxTokenAmount) {
    throw new ApiError(
      'invalid_request',
      'payment.pricePerWorkUnit: the job would cost 2^128 token units or more; lower the price.',
      'payment.pricePerWorkUnit',
    );
  }
  const [owner] = await queryRows<{ address: string | null }>(
    tx,
    sql`SELECT address FROM volunteers WHERE id = ${input.ownerId}::uuid`,
  );
  const payer = owner?.address;
  if (!payer) {
    throw new ApiError(
      'insufficient_funds',
      `A paid job needs a funded wallet: link one with Sign-In with Ethereum, then deposit or be granted ${required} token units.`,
      'payment',
      { missing: required.toString(), required: required.toString(), balance: '0' },
    );
  }
  await lockAccount(tx, payer);
  const { balance } = await getAccountBalance(tx, payer);
  if (balance < required) {
    const missing = required - balance;
    throw new ApiError(
      'insufficient_funds',
      `This job may cost up to ${required} token units (price × work units × replication.max) but the balance of ${payer} is ${balance}: deposit ${missing} more token units, lower the price or the replication.`,
      'payment',
      { missing: missing.toString(), required: required.toString(), balance: balance.toString() },
    );
  }
  await tx.execute(sql`
    INSERT INTO job_payments (job_id, payer, price_per_work_unit, fee_bps, reserved)
    VALUES (${input.jobId}::uuid, ${payer}, ${price.toString()}::numeric, ${feeBps()}, ${required.toString()}::numeric)
  `);
}

/** The fee rate new paid jobs carry: PROTOCOL_FEE_BPS, or 0 when no treasury is configured. */
function feeBps(): number {
  const settings = env();
  return settings.TREASURY_ADDRESS ? settings.PROTOCOL_FEE_BPS : 0;
}
