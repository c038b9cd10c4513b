import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../db/client';

/** An account's money, token units. */
export interface AccountBalance {
  /** Spendable now: deposits + grants − withdrawals − held by open paid jobs − spent by settled ones. */
  balance: bigint;
  /** Held by paid jobs still running (their reservations minus what they already paid). */
  reserved: bigint;
  deposited: bigint;
  granted: bigint;
  withdrawn: bigint;
  /** Paid to volunteers and fees by this account's jobs. */
  spent: bigint;
}

/**
 * Serializes every change to `address`'s balance (reservations, withdrawals) within the caller's
 * transaction, across coordinator processes sharing one Postgres.
 */
export async function lockAccount(tx: Queryable, address: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`account:${address}`}))`);
}

/**
 * The balance of the account `address` (lower-case), from the ledger and the paid jobs it funds.
 *
 * @example
 * const { balance, reserved } = await getAccountBalance(db, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
 */
export async function getAccountBalance(db: Queryable, address: string): Promise<AccountBalance> {
  const [row] = await queryRows<{
    deposited: string;
    granted: string;
    withdrawn: string;
    held: string;
    spent: string;
    committed: string;
  }>(
    db,
    sql`
    SELECT
      COALESCE((SELECT sum(amount) FROM ledger_entries WHERE address = ${address} AND kind = 'deposit'), 0)::text AS deposited,
      COALESCE((SELECT sum(amount) FROM ledger_entries WHERE address = ${address} AND kind = 'grant'), 0)::text AS granted,
      COALESCE((SELECT sum(amount) FROM ledger_entries WHERE address = ${address} AND kind = 'withdrawal'), 0)::text AS withdrawn,
      COALESCE((SELECT sum(reserved - spent) FROM job_payments WHERE payer = ${address} AND status = 'open'), 0)::text AS held,
      COALESCE((SELECT sum(spent) FROM job_payments WHERE payer = ${address}), 0)::text AS spent,
      COALESCE((SELECT sum(CASE WHEN status = 'open' THEN reserved ELSE spent END) FROM job_payments WHERE payer = ${address}), 0)::text AS committed
  `,
  );
  const deposited = BigInt(row!.deposited);
  const granted = BigInt(row!.granted);
  const withdrawn = BigInt(row!.withdrawn);
  return {
    balance: deposited + granted - withdrawn - BigInt(row!.committed),
    reserved: BigInt(row!.held),
    deposited,
    granted,
    withdrawn,
    spent: BigInt(row!.spent),
  };
}
