import type { z } from 'zod';

/** One thing to fix in a job's params: the dotted field (`params.m`) and what is wrong. */
export interface ParamIssue {
  field: string;
  message: string;
}

/**
 * Every problem `schema` finds in `value`, one per field (the first message for each), with the
 * same field paths `parseParams` gives the server's first error. The job form runs the kernel's own
 * params schema through this to show all errors at once before anything is sent.
 * @example paramIssues(matmulJobParamsSchema, { m: 0, n: 'x' }) // [{field: 'params.m', …}, {field: 'params.n', …}, {field: 'params.k', …}]
 */
export function paramIssues(schema: z.ZodType, value: unknown, root = 'params'): ParamIssue[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  const byField = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const path = key === undefined ? issue.path : [...issue.path, key];
      const field = [root, ...path.map(String)].join('.');
      if (!byField.has(field)) byField.set(field, issue.message);
    }
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
