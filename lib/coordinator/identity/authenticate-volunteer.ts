import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { volunteers } from '../../db/schema';
import { ApiError } from '../../errors';
import { hashToken } from './register-volunteer';

export interface Volunteer {
  id: string;
  site: string | null;
  address: string | null;
}

/** Resolves `Authorization: Bearer <token>` to a volunteer, or throws 401 saying what is wrong. */
export async function authenticateVolunteer(db: Queryable, authorization: string | null): Promise<Volunteer> {
  if (!authorization) {
    throw new ApiError(
      'unauthorized',
      'Missing Authorization header: send "Authorization: Bearer <token>" with the token from POST /api/v1/volunteers.',
    );
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) {
    throw new ApiError('unauthorized', 'The Authorization header must be "Bearer <token>".');
  }
  const rows = await db
    .select({ id: volunteers.id, site: volunteers.site, address: volunteers.address })
    .from(volunteers)
    .where(eq(volunteers.tokenHash, hashToken(match[1])))
    .limit(1);
  const volunteer = rows[0];
  if (!volunteer) {
    throw new ApiError(
      'unauthorized',
      'Unknown token: register with POST /api/v1/volunteers and use the token it returns.',
    );
  }
  return volunteer;
}

/** The Bearer volunteer when an Authorization header is sent (401 for a bad one), else undefined. */
export async function optionalVolunteer(
  db: Queryable,
  authorization: string | null,
): Promise<Volunteer | undefined> {
  return authorization ? authenticateVolunteer(db, authorization) : undefined;
}
