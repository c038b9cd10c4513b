/**
 * Which control of the job form a server error belongs to. The API names the offending field as a
 * dotted path (`params.m`, `inputs.a`, `replication.max`); the form gives each control the id this
 * returns, so the message can be shown under it and focus moved there. Null: a form-level error.
 */
export function errorTarget(
  field: string | undefined,
  form: { paramNames: readonly string[]; inputNames: readonly string[] },
): string | null {
  if (!field) return null;
  const [head, name] = field.split('.');
  switch (head) {
    case 'params':
      if (name && form.paramNames.includes(name)) return `param-${name}`;
      // A single JSON params field takes every params error; otherwise the params group does.
      return form.paramNames.length === 1 && form.paramNames[0] === 'params' ? 'param-params' : 'params';
    case 'inputs':
      if (name && form.inputNames.includes(name)) return `input-${name}`;
      return form.inputNames.length > 0 ? 'inputs' : null;
    case 'replication':
      return name === 'min' ? 'replication-min' : 'replication-max';
    case 'title':
      return 'title';
    case 'payment':
      return 'payment-price';
    case 'kernel':
      return 'kernel';
    default:
      return null;
  }
}
