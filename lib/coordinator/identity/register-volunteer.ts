import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client';
import { volunteers } from '../../db/schema';
import { ApiError } from '../../errors';
import { clock } from '../clock';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface RegistrationLimit {
  /** Registrations allowed per network prefix per window (REGISTRATIONS_PER_PREFIX). */
  perPrefix: number;
  windowSeconds: number;
}

/**
 * Creates an anonymous volunteer. The token is returned once; only its hash is stored.
 *
 * Identities are free, so they are rationed per network prefix (an IPv4 /24 or IPv6 /48, see
 * `networkPrefix`): beyond `limit.perPrefix` in the last window the answer is a 429 with
 * `Retry-After`. A null prefix (loopback, or no trusted address: development and tests) is not
 * limited. Registrations from one prefix are serialised by an advisory lock so concurrent requests
 * cannot overshoot the budget.
 */
export async function registerVolunteer(
  db: Db,
  input: { site?: string; networkPrefix?: string | null },
  limit?: RegistrationLimit,
): Promise<{ volunteerId: string; token: string }> {
  const volunteerId = randomUUID();
  const token = `sc_${randomBytes(32).toString('base64url')}`;
  const prefix = input.networkPrefix ?? null;
  const now = clock.now();
  await db.transaction(async (tx) => {
    if (prefix !== null && limit) {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`register:${prefix}`}))`);
      const since = new Date(now.getTime() - limit.windowSeconds * 1000);
      const [row] = await queryRows<{ n: number; oldest: Date | string | null }>(
        tx,
        sql`SELECT count(*)::int AS n, min(created_at) AS oldest FROM (
              SELECT created_at FROM volunteers
              WHERE network_prefix = ${prefix} AND created_at > ${since}
              ORDER BY created_at DESC LIMIT ${limit.perPrefix}
            ) recent`,
      );
      if (row && row.n >= limit.perPrefix) {
        const oldest = row.oldest ? new Date(row.oldest).getTime() : now.getTime();
        const wait = Math.max(1, Math.ceil((oldest + limit.windowSeconds * 1000 - now.getTime()) / 1000));
        throw new ApiError(
          'rate_limited',
          `Too many new volunteers from your network (${limit.perPrefix} per ${limit.windowSeconds} s); keep using the token you already have, or try again in ${wait} s.`,
          undefined,
          undefined,
          wait,
        );
      }
    }
    await tx.insert(volunteers).values({
      id: volunteerId,
      tokenHash: hashToken(token),
      site: input.site ?? null,
      networkPrefix: prefix,
      createdAt: now,
    });
  });
  return { volunteerId, token };
}
