import { z } from 'zod';
import type { AnyKernel } from '../kernels/kernel';

/**
 * The job form's view of a kernel: everything `/jobs/new` needs to render a kernel's parameters
 * and inputs, as plain JSON (the page builds it on the server from the registry and hands it to a
 * client component, so the browser never bundles the kernels themselves). Fields come from the
 * kernel's params schema (`z.toJSONSchema(…, {io: 'input'})`), so a new kernel gets a form without
 * the form learning its name.
 */

/** A JSON Schema node, as much of it as the form reads. */
export interface JsonSchemaNode {
  type?: string | string[];
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  contentMediaType?: string;
  format?: string;
  prefixItems?: JsonSchemaNode[];
  items?: JsonSchemaNode | boolean;
  minItems?: number;
  maxItems?: number;
}

interface FieldBase {
  /** The params key, also the last segment of a server error's `field` (`params.<name>`). */
  name: string;
  label: string;
  description?: string;
  required: boolean;
}

/**
 * One generated form control.
 * - `integer` / `number`: a number input with the schema's bounds (`minExclusive`: strictly above `min`).
 * - `string`: a text input; `code` when it holds shader source (a multi-line editor).
 * - `enum`: a select of the allowed values.
 * - `boolean`: a checkbox.
 * - `tuple`: a fixed number of numbers (e.g. workgroups `[x, y, z]`), typed comma-separated.
 * - `json`: anything else (objects, unions with objects), typed as JSON; plain text that is not
 *   JSON is sent as a string (so `exact` works where `"exact"` or `{"tolerance": 1e-5}` is expected).
 */
export type FormField =
  | (FieldBase & {
      kind: 'integer' | 'number';
      min?: number;
      max?: number;
      minExclusive?: boolean;
      maxExclusive?: boolean;
      defaultValue?: number;
    })
  | (FieldBase & {
      kind: 'tuple';
      items: { kind: 'integer' | 'number'; min?: number; max?: number }[];
      defaultValue?: string;
    })
  | (FieldBase & {
      kind: 'string' | 'code';
      pattern?: string;
      minLength?: number;
      maxLength?: number;
      defaultValue?: string;
    })
  | (FieldBase & { kind: 'enum'; options: (string | number)[]; defaultValue?: string | number })
  | (FieldBase & { kind: 'boolean'; defaultValue?: boolean })
  | (FieldBase & { kind: 'json'; defaultValue?: string });

/** Everything the form needs about one kernel, serializable to a client component. */
export interface KernelForm {
  name: string;
  description: string;
  inputNames: string[];
  /** Inputs the job may leave out (the rest are required). */
  optionalInputNames: string[];
  requiresWebGPU: boolean;
  /** Quorum when the submitter does not choose one (docs/api.md: 1 for self-verifying kernels). */
  defaultReplicationMin: number;
  /** JSON Schema (draft 2020-12) of the params as a submitter sends them. */
  paramsSchema: JsonSchemaNode;
  /** A small job's params that finish in seconds (the form's "Use the example"); null: none. */
  example: Record<string, unknown> | null;
  /**
   * Shapes of demo inputs as pairs of param names (`{a: ['m', 'k']}`: A has m rows and k columns),
   * so the form can generate random `.npy` matrices of the chosen size; null when the kernel's
   * inputs are not plain matrices.
   */
  demoInputShapes: Record<string, [rows: string, cols: string]> | null;
  /**
   * Starting text for a `code` param: the kernel's own WGSL, which for the custom-shader kernel is
   * the ABI's documented example (null for kernels whose params hold no code).
   */
  exampleCode: string | null;
  /**
   * A ready-made job the kernel builds itself (its `exampleJob`, e.g. onnx's example classifier with
   * its inputs): the form shows a button that builds it in the browser from the kernel module.
   */
  exampleJob: { label: string; description: string } | null;
}

/**
 * Demo shapes of kernels whose inputs are `.npy` matrices sized by their params. The Kernel
 * interface has no place for this yet; a kernel may also declare `demoInputShapes` itself, which
 * wins over this table.
 */
const DEMO_INPUT_SHAPES: Readonly<Record<string, Record<string, [string, string]>>> = {
  matmul: { a: ['m', 'k'], b: ['k', 'n'] },
};

/** String params holding program text get a code editor rather than a one-line input. */
const CODE_FIELD_NAMES = new Set(['code', 'source', 'shader', 'wgsl']);

/**
 * The form description of `kernel`, built on the server.
 * @example describeKernelForm(getKernel('matmul')!).paramsSchema.properties?.m // {type: 'integer', minimum: 1, …}
 */
export function describeKernelForm(kernel: AnyKernel): KernelForm {
  let paramsSchema: JsonSchemaNode;
  try {
    // Through JSON: zod adds a non-enumerable `~standard` to the schema object, which React refuses
    // to pass from a Server Component to a Client Component ("Only plain objects…").
    paramsSchema = JSON.parse(
      JSON.stringify(z.toJSONSchema(kernel.paramsSchema, { io: 'input', unrepresentable: 'any' })),
    ) as JsonSchemaNode;
  } catch {
    // A schema JSON Schema cannot express still gets a form: one JSON text field for all params.
    paramsSchema = { type: 'object' };
  }
  const declared = (kernel as { demoInputShapes?: Record<string, [string, string]> }).demoInputShapes;
  const hasCode = paramFields(paramsSchema).some((field) => field.kind === 'code');
  return {
    name: kernel.name,
    description: kernel.description,
    inputNames: [...kernel.inputNames],
    optionalInputNames: [...(kernel.optionalInputNames ?? [])],
    requiresWebGPU: kernel.requiresWebGPU,
    defaultReplicationMin: kernel.verify.selfVerifying ? 1 : 2,
    paramsSchema,
    demoInputShapes: declared ?? DEMO_INPUT_SHAPES[kernel.name] ?? null,
    exampleCode: hasCode && typeof kernel.wgsl === 'string' ? kernel.wgsl : null,
    example: kernel.example
      ? (JSON.parse(JSON.stringify(kernel.example.params)) as Record<string, unknown>)
      : null,
    exampleJob: describeExample(kernel),
  };
}

function describeExample(kernel: AnyKernel): KernelForm['exampleJob'] {
  const example = (kernel as { exampleJob?: { label?: unknown; description?: unknown } }).exampleJob;
  if (typeof example?.label !== 'string' || typeof example.description !== 'string') return null;
  return { label: example.label, description: example.description };
}

function typeOf(node: JsonSchemaNode): string | undefined {
  if (Array.isArray(node.type)) return node.type.find((t) => t !== 'null');
  return node.type;
}

/**
 * `anyOf: [string, integer]` (e.g. a u64 as decimal string or number) → the string branch, which
 * takes every value. A union with an object or array branch stays a union (a JSON field).
 */
function flatten(node: JsonSchemaNode): JsonSchemaNode {
  const branches = node.anyOf ?? node.oneOf;
  if (!branches || branches.length === 0) return node;
  const nonNull = branches.filter((b) => typeOf(b) !== 'null');
  if (nonNull.some((b) => ['object', 'array'].includes(typeOf(b) ?? '') || b.anyOf || b.oneOf)) return node;
  const preferred =
    nonNull.find((b) => typeOf(b) === 'string') ?? (nonNull.length === 1 ? nonNull[0] : undefined);
  if (!preferred) return node;
  return {
    ...flatten(preferred),
    title: node.title ?? preferred.title,
    description: node.description ?? preferred.description,
    default: node.default ?? preferred.default,
  };
}

function numberBounds(node: JsonSchemaNode): {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
} {
  const bounds: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {};
  if (node.minimum !== undefined) bounds.min = node.minimum;
  else if (node.exclusiveMinimum !== undefined) {
    bounds.min = node.exclusiveMinimum;
    bounds.minExclusive = true;
  }
  if (node.maximum !== undefined) bounds.max = node.maximum;
  else if (node.exclusiveMaximum !== undefined) {
    bounds.max = node.exclusiveMaximum;
    bounds.maxExclusive = true;
  }
  return bounds;
}

/** A fixed-length array of numbers (`prefixItems` of integers or numbers), else null. */
function tupleItems(
  node: JsonSchemaNode,
): { kind: 'integer' | 'number'; min?: number; max?: number }[] | null {
  if (typeOf(node) !== 'array' || !node.prefixItems || node.prefixItems.length === 0) return null;
  if (node.items !== false && node.items !== undefined) return null;
  const items: { kind: 'integer' | 'number'; min?: number; max?: number }[] = [];
  for (const item of node.prefixItems) {
    const kind = typeOf(item);
    if (kind !== 'integer' && kind !== 'number') return null;
    const { min, max } = numberBounds(item);
    items.push({ kind, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
  }
  return items;
}

function firstExample(node: JsonSchemaNode): unknown {
  return node.default !== undefined ? node.default : node.examples?.[0];
}

/**
 * The form fields of a params JSON Schema, in the schema's property order. A schema that is not an
 * object of properties becomes one `json` field named `params`.
 */
export function paramFields(schema: JsonSchemaNode): FormField[] {
  if (!schema.properties) {
    return [
      {
        kind: 'json',
        name: 'params',
        label: 'params (JSON)',
        required: true,
        description: schema.description,
      },
    ];
  }
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, raw]): FormField => {
    const node = flatten(raw);
    const base: FieldBase = {
      name,
      label: node.title ?? name,
      required: required.has(name),
      ...(node.description ? { description: node.description } : {}),
    };
    const example = firstExample(node);
    if (node.enum?.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return {
        ...base,
        kind: 'enum',
        options: node.enum as (string | number)[],
        ...(typeof example === 'string' || typeof example === 'number' ? { defaultValue: example } : {}),
      };
    }
    const type = typeOf(node);
    if (type === 'integer' || type === 'number') {
      return {
        ...base,
        kind: type,
        ...numberBounds(node),
        ...(typeof example === 'number' ? { defaultValue: example } : {}),
      };
    }
    const tuple = tupleItems(node);
    if (tuple) {
      return {
        ...base,
        kind: 'tuple',
        items: tuple,
        ...(Array.isArray(example) ? { defaultValue: example.join(', ') } : {}),
      };
    }
    if (type === 'string') {
      const code = CODE_FIELD_NAMES.has(name) || node.contentMediaType?.startsWith('text/') === true;
      return {
        ...base,
        kind: code ? 'code' : 'string',
        ...(node.pattern ? { pattern: node.pattern } : {}),
        ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
        ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
        ...(typeof example === 'string' ? { defaultValue: example } : {}),
      };
    }
    if (type === 'boolean') {
      return { ...base, kind: 'boolean', ...(typeof example === 'boolean' ? { defaultValue: example } : {}) };
    }
    return {
      ...base,
      kind: 'json',
      // A string default is shown bare (`exact`): the field sends text that is not JSON as a string.
      ...(example !== undefined
        ? { defaultValue: typeof example === 'string' ? example : JSON.stringify(example) }
        : {}),
    };
  });
}

/** Why a form value could not become a param; shown next to the field before anything is sent. */
export class FormValueError extends Error {
  override readonly name = 'FormValueError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The params object from the form's raw values (strings from inputs, booleans from checkboxes).
 * Empty optional fields are left out so the server applies its defaults; everything else is sent
 * as typed, and the server's schema decides what is valid (its message names the field to fix).
 */
export function paramsFromForm(
  fields: readonly FormField[],
  values: Readonly<Record<string, string | boolean>>,
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === 'boolean') {
      params[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    // Left out, not sent empty: optional params take the server's defaults, and a missing
    // required one comes back as the server's "… is required" next to the field.
    if (text.trim() === '' && field.kind !== 'code') continue;
    switch (field.kind) {
      case 'integer':
      case 'number': {
        const value = Number(text);
        // A non-number is sent as typed so the server's message ("must be a whole number, got …") names it.
        params[field.name] = Number.isFinite(value) ? value : text;
        break;
      }
      case 'enum': {
        const match = field.options.find((option) => String(option) === text);
        params[field.name] = match ?? text;
        break;
      }
      case 'tuple': {
        // "8, 1, 1" or "[8, 1, 1]" → [8, 1, 1]; a part that is not a number goes as typed for the server to name.
        params[field.name] = text
          .replace(/^\s*\[|\]\s*$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((part) => (Number.isFinite(Number(part)) ? Number(part) : part));
        break;
      }
      case 'json': {
        if (field.name === 'params' && fields.length === 1) {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw new FormValueError('params', 'params is not valid JSON');
          }
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            throw new FormValueError('params', 'params must be a JSON object');
          }
          return value as Record<string, unknown>;
        }
        try {
          params[field.name] = JSON.parse(text);
        } catch {
          // Not JSON: a bare word such as `exact`, sent as the string it is.
          params[field.name] = text.trim();
        }
        break;
      }
      default:
        params[field.name] = text;
    }
  }
  return params;
}
