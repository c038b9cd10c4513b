import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors';
import { authorizeEpochAdmin } from './authorize-epoch-admin';

const token = 'a-long-enough-admin-token';

function failure(run: () => void): { code: string; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, status: error.status };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('authorizeEpochAdmin', () => {
  it('accepts the configured token', () => {
    expect(() => authorizeEpochAdmin(`Bearer ${token}`, token)).not.toThrow();
    expect(() => authorizeEpochAdmin(`bearer   ${token} `, token)).not.toThrow();
  });

  it('answers 401 without a Bearer token', () => {
    expect(failure(() => authorizeEpochAdmin(null, token)).status).toBe(401);
    expect(failure(() => authorizeEpochAdmin(token, token)).status).toBe(401);
    expect(failure(() => authorizeEpochAdmin('Basic abc', token)).status).toBe(401);
  });

  it('answers 403 for a wrong token, a prefix of it, or when none is configured', () => {
    expect(failure(() => authorizeEpochAdmin('Bearer wrong-token-of-some-length', token))).toEqual({
      code: 'forbidden',
      status: 403,
    });
    expect(failure(() => authorizeEpochAdmin(`Bearer ${token.slice(0, -1)}`, token)).status).toBe(403);
    expect(failure(() => authorizeEpochAdmin(`Bearer ${token}x`, token)).status).toBe(403);
    expect(failure(() => authorizeEpochAdmin(`Bearer ${token}`, undefined)).status).toBe(403);
  });
});
