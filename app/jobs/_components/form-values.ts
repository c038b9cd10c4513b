import type { FormField } from '@/lib/protocol/kernel-forms';

type Values = Record<string, string | boolean>;

/**
 * The form's raw values for a params object (a kernel's example): numbers as typed text, tuples as
 * `1, 1, 1`, objects as JSON, booleans as checkbox states.
 * @example valuesFromParams(fields, { m: 64, workgroups: [1, 1, 1] }) // { m: '64', workgroups: '1, 1, 1' }
 */
export function valuesFromParams(fields: readonly FormField[], params: Record<string, unknown>): Values {
  const values: Values = {};
  for (const field of fields) {
    if (!(field.name in params)) continue;
    const value = params[field.name];
    if (field.kind === 'boolean') values[field.name] = value === true;
    else if (field.kind === 'tuple' && Array.isArray(value)) values[field.name] = value.join(', ');
    else if (field.kind === 'json' && typeof value !== 'string') values[field.name] = JSON.stringify(value);
    else values[field.name] = String(value);
  }
  return values;
}

/**
 * The params an uploaded matrix's shape gives, by the kernel's `demoInputShapes` (matmul's `a` is
 * m×k): `{m: '64', k: '32'}` for a 64×32 `a`. Empty when the input has no declared shape.
 */
export function valuesFromShape(
  shapes: Readonly<Record<string, readonly [string, string]>> | null,
  input: string,
  shape: readonly number[],
): Values {
  const names = shapes?.[input];
  if (!names || shape.length !== 2) return {};
  return { [names[0]]: String(shape[0]), [names[1]]: String(shape[1]) };
}
