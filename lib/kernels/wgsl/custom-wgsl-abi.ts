import { type TypeInfo, type VariableInfo, WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

/**
 * The fixed binding ABI of the `wgsl` kernel, checked at submission so a shader that could never
 * run on a volunteer's GPU is refused with a message instead of failing on every worker:
 *
 *   @group(0) @binding(0) var<storage, read> input: array<u32>;        // the job's input blob
 *   @group(0) @binding(1) var<storage, read_write> output: array<u32>; // outputBytes, zero-filled
 *   @group(0) @binding(2) var<uniform> info: ShardInfo;                // 4 × u32, see below
 *   struct ShardInfo { shardIndex: u32, shardCount: u32, inputBytes: u32, outputBytes: u32 }
 *   @compute @workgroup_size(x, y, z) fn main(...)                      // x·y·z ≤ 256
 *
 * Names are free. Array elements may be any 4-byte scalar view of the same memory — u32, i32 or
 * f32, and atomic<u32>/atomic<i32> for the output — since the buffer layout is identical. All
 * three must be declared and used by `main` (`_ = &input;` is enough): a pipeline built with
 * `layout: 'auto'` drops unused bindings, and binding all three buffers would then fail. Nothing
 * else may be declared (other groups, textures, samplers), and no `override` or `enable`: the
 * runtime sets no pipeline constants and requests no features.
 */

/** WebGPU's guaranteed minimum limits, which every volunteer's adapter meets. */
export const WGSL_MAX_INVOCATIONS = 256;
export const WGSL_MAX_WORKGROUP_SIZE = [256, 256, 64] as const;

export type WgslAbiCheck = { workgroupSize: [number, number, number] } | { error: string };

const SCALARS = ['u32', 'i32', 'f32'];
const OUTPUT_SCALARS = [...SCALARS, 'atomic<u32>', 'atomic<i32>'];

/** `u32`, `atomic<u32>`… for an array's element type as the reflection reports it. */
function elementName(type: TypeInfo | null): string {
  if (!type) return 'unknown';
  const inner = (type as TypeInfo & { format?: TypeInfo | null }).format;
  return type.name === 'atomic' && inner ? `atomic<${inner.name}>` : type.name;
}

function describeArray(variable: VariableInfo): string | null {
  const type = variable.type as TypeInfo & { format?: TypeInfo | null; count?: number };
  if (!type.isArray) return null;
  return (type.count ?? 0) === 0 ? elementName(type.format ?? null) : null;
}

/** Why `variable` does not fit ABI binding `binding`, or null when it does. */
function abiMismatch(variable: VariableInfo): string | null {
  const where = `@group(0) @binding(${variable.binding}) ${variable.name}`;
  switch (variable.binding) {
    case 0: {
      const element = describeArray(variable);
      if (variable.resourceType !== 1 || !['read', ''].includes(variable.access) || element === null) {
        return `${where} must be var<storage, read> of a runtime-sized array<u32> (the input)`;
      }
      return SCALARS.includes(element) ? null : `${where} has elements of ${element}; use u32, i32 or f32`;
    }
    case 1: {
      const element = describeArray(variable);
      if (variable.resourceType !== 1 || variable.access !== 'read_write' || element === null) {
        return `${where} must be var<storage, read_write> of a runtime-sized array<u32> (the output)`;
      }
      return OUTPUT_SCALARS.includes(element)
        ? null
        : `${where} has elements of ${element}; use u32, i32, f32 or their atomics`;
    }
    case 2: {
      const members = variable.members;
      const fits =
        variable.resourceType === 0 &&
        members !== null &&
        members.length === 4 &&
        members.every((member, i) => member.type.name === 'u32' && member.offset === 4 * i);
      return fits
        ? null
        : `${where} must be var<uniform> of a struct of four u32 {shardIndex, shardCount, inputBytes, outputBytes}`;
    }
    default:
      return `${where} is not in the ABI: bindings are 0 (input), 1 (output) and 2 (shard info)`;
  }
}

/** The parser's message without its trailing full stops, e.g. "Expected argument name. (line 1)". */
function parseErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const match = /^(.*?)\.*\s*Line:\s*(\d+)\s*$/s.exec(raw);
  if (match) return `${match[1]!.trim()} (line ${match[2]})`;
  if (error instanceof RangeError) return 'the shader is nested too deeply to parse';
  return raw.trim() || 'the parser gave up';
}

/**
 * Checks `code` against the ABI: it parses (with wgsl_reflect, which catches syntax errors but
 * not every type error — those surface when a volunteer's GPU compiles it), declares only ABI
 * bindings of the right types, and has `@compute @workgroup_size(…) fn main` within WebGPU's
 * guaranteed limits. Returns main's workgroup size, or what to fix.
 */
export function checkWgslAbi(code: string): WgslAbiCheck {
  const enable = /^\s*enable\s+([\w\s,]+);/m.exec(code);
  if (enable) {
    return {
      error: `"enable ${enable[1]!.trim()}" requests a GPU feature not every volunteer has: remove it`,
    };
  }
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(code);
  } catch (error) {
    return { error: `WGSL does not parse: ${parseErrorMessage(error)}` };
  }
  const override = reflect.overrides[0];
  if (override) {
    return {
      error: `override ${override.name} is not supported: the runtime sets no pipeline constants, use const`,
    };
  }
  const others = [...reflect.textures, ...reflect.samplers, ...(reflect.immediates ?? [])];
  const foreign = others[0];
  if (foreign) {
    return {
      error: `${foreign.name} is not in the ABI: only the input, output and shard-info buffers are bound`,
    };
  }
  const seen = new Set<number>();
  for (const variable of [...reflect.storage, ...reflect.uniforms]) {
    if (variable.group !== 0) {
      return { error: `${variable.name} is in @group(${variable.group}); the ABI uses @group(0) only` };
    }
    if (variable.resourceType !== 0 && variable.resourceType !== 1) {
      return {
        error: `${variable.name} is not in the ABI: only the input, output and shard-info buffers are bound`,
      };
    }
    if (seen.has(variable.binding)) {
      return { error: `@binding(${variable.binding}) is declared twice` };
    }
    seen.add(variable.binding);
    const mismatch = abiMismatch(variable);
    if (mismatch) return { error: mismatch };
  }
  const main = reflect.functions.find((fn) => fn.name === 'main');
  if (!main) return { error: 'there is no entry point: declare @compute @workgroup_size(…) fn main(…)' };
  if (main.stage !== 'compute') {
    return {
      error: `main is ${main.stage ? `a @${main.stage}` : 'not an entry point'}; it must be @compute`,
    };
  }
  const used = new Set(main.resources.map((variable) => variable.binding));
  for (const [binding, role] of [
    [0, 'input'],
    [1, 'output'],
    [2, 'shard info'],
  ] as const) {
    if (!seen.has(binding)) {
      return {
        error: `@group(0) @binding(${binding}) (the ${role} buffer) is not declared: declare all three ABI buffers`,
      };
    }
    if (!used.has(binding)) {
      const name = [...reflect.storage, ...reflect.uniforms].find((v) => v.binding === binding)!.name;
      return {
        error: `main never uses @binding(${binding}) ${name}; unused bindings drop out of the pipeline, so use all three (add "_ = &${name};" to main if it needs none)`,
      };
    }
  }
  const size = main.workgroupSize;
  if (!size) return { error: 'main needs @workgroup_size(x, y, z)' };
  const [x, y, z] = size;
  if (![x, y, z].every((n) => Number.isInteger(n) && n >= 1)) {
    return { error: `@workgroup_size(${size.join(', ')}) must be whole numbers of at least 1` };
  }
  for (const [axis, n, max] of [
    ['x', x, WGSL_MAX_WORKGROUP_SIZE[0]],
    ['y', y, WGSL_MAX_WORKGROUP_SIZE[1]],
    ['z', z, WGSL_MAX_WORKGROUP_SIZE[2]],
  ] as const) {
    if (n > max)
      return { error: `@workgroup_size ${axis} = ${n}; at most ${max} is guaranteed on every GPU` };
  }
  if (x * y * z > WGSL_MAX_INVOCATIONS) {
    return {
      error: `@workgroup_size(${x}, ${y}, ${z}) has ${x * y * z} invocations; at most ${WGSL_MAX_INVOCATIONS} are guaranteed on every GPU`,
    };
  }
  return { workgroupSize: [x, y, z] };
}
