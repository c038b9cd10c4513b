import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../errors';

/**
 * Checks `Authorization: Bearer <ADMIN_TOKEN>` for operator calls (`POST /api/v1/epochs`).
 * The comparison runs in constant time over SHA-256 digests, so neither the token's content nor
 * its length leaks through response timing.
 *
 * @throws ApiError 401 without a Bearer token, 403 with a wrong one or when no ADMIN_TOKEN is set.
 */
export function authorizeEpochAdmin(authorization: string | null, adminToken: string | undefined): void {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
  if (!match?.[1]) {
    throw new ApiError(
      'unauthorized',
      'This is an operator call: send "Authorization: Bearer <ADMIN_TOKEN>" (npm run dev prints the token).',
    );
  }
  if (!adminToken) {
    throw new ApiError('forbidden', 'Operator calls are disabled: this server has no ADMIN_TOKEN set.');
  }
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (!timingSafeEqual(digest(match[1]), digest(adminToken))) {
    throw new ApiError('forbidden', 'Wrong admin token: use the ADMIN_TOKEN this server was started with.');
  }
}
