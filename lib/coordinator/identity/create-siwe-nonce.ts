import { sql } from 'drizzle-orm';
import { generateSiweNonce } from 'viem/siwe';
import type { Queryable } from '../../db/client';
import { siweNonces } from '../../db/schema';
import { clock } from '../clock';

/**
 * How many unused nonces one volunteer may hold at once (a few browser tabs signing in at the same
 * time); asking for more retires the oldest, so a token cannot fill the table with live nonces.
 */
export const maxLiveNoncesPerVolunteer = 8;

/**
 * Issues a single-use Sign-In with Ethereum nonce to `volunteerId`, valid for `ttlSeconds`.
 * Stored server side (not in a cookie) so it can be consumed exactly once and by that volunteer
 * only. Old nonces of the same volunteer are dropped on the way — used, expired, and all but the
 * newest `maxLiveNoncesPerVolunteer` — which keeps the table small.
 */
export async function createSiweNonce(
  db: Queryable,
  volunteerId: string,
  ttlSeconds: number,
): Promise<{ nonce: string; expiresAt: Date }> {
  const now = clock.now();
  await db.execute(sql`
    DELETE FROM siwe_nonces
    WHERE volunteer_id = ${volunteerId}::uuid AND (used_at IS NOT NULL OR expires_at < ${now})
  `);
  const nonce = generateSiweNonce();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await db.insert(siweNonces).values({ nonce, volunteerId, expiresAt, createdAt: now });
  await db.execute(sql`
    DELETE FROM siwe_nonces
    WHERE volunteer_id = ${volunteerId}::uuid AND nonce NOT IN (
      SELECT nonce FROM siwe_nonces WHERE volunteer_id = ${volunteerId}::uuid
      ORDER BY created_at DESC, nonce = ${nonce} DESC LIMIT ${maxLiveNoncesPerVolunteer})
  `);
  return { nonce, expiresAt };
}
