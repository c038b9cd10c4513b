import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/client';
import { volunteers } from '../../db/schema';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates an anonymous volunteer. The token is returned once; only its hash is stored. */
export async function registerVolunteer(
  db: Queryable,
  input: { site?: string },
): Promise<{ volunteerId: string; token: string }> {
  const volunteerId = randomUUID();
  const token = `sc_${randomBytes(32).toString('base64url')}`;
  await db
    .insert(volunteers)
    .values({ id: volunteerId, tokenHash: hashToken(token), site: input.site ?? null });
  return { volunteerId, token };
}
