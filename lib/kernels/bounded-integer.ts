import { z } from 'zod';

/**
 * A whole number in [min, max] whose error messages name the parameter and say what to send — the
 * shared shape of every kernel's integer params.
 *
 * @example boundedInteger('m (rows of A and C)', 1, 16_384) // "m (rows of A and C) must be at least 1"
 */
export function boundedInteger(name: string, min: number, max: number, hint = '') {
  return z
    .int({
      error: (issue) =>
        issue.input === undefined
          ? `${name} is required`
          : `${name} must be a whole number, got ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : String(issue.input)}`,
    })
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}${hint}`);
}
