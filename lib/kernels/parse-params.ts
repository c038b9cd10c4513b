import type { z } from 'zod';
import { KernelInputError } from './kernel';

/**
 * Parses kernel params with `schema`, turning the first zod issue into a `KernelInputError` whose
 * field is the dotted path under `root` (`params.m`, `params.tile_rows` for an unknown key), so a
 * kernel's `split` rejects bad params the same way whether or not the route parsed them first.
 */
export function parseParams<T>(schema: z.ZodType<T>, value: unknown, root = 'params'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  throw new KernelInputError([root, ...path.map(String)].join('.'), issue.message);
}
