import { describe, expect, it } from 'vitest';
import example from '../../../shaders/custom-wgsl-example.wgsl';
import { checkWgslAbi } from './custom-wgsl-abi';

const INFO = 'struct ShardInfo { shardIndex: u32, shardCount: u32, inputBytes: u32, outputBytes: u32 }';
const BINDINGS = `${INFO}
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@group(0) @binding(2) var<uniform> info: ShardInfo;`;
const USE_ALL = 'output[id.x] = input[id.x] + info.shardIndex;';

function shader(bindings = BINDINGS, attributes = '@compute @workgroup_size(64)', body = USE_ALL): string {
  return `${bindings}\n${attributes}\nfn main(@builtin(global_invocation_id) id: vec3<u32>) {\n  ${body}\n}\n`;
}

const error = (code: string) => {
  const result = checkWgslAbi(code);
  return 'error' in result ? result.error : null;
};

describe('checkWgslAbi accepts shaders in the ABI', () => {
  it('accepts the example shader and reports its workgroup size', () => {
    expect(checkWgslAbi(example)).toEqual({ workgroupSize: [64, 1, 1] });
  });

  it.each([
    [
      'const workgroup size in 3 dimensions',
      shader(BINDINGS, 'const W = 4u;\n@compute @workgroup_size(W, 8, 8)'),
      [4, 8, 8],
    ],
    [
      'f32 input and atomic output',
      shader(
        BINDINGS.replace('input: array<u32>', 'input: array<f32>').replace(
          'output: array<u32>',
          'output: array<atomic<u32>>',
        ),
        undefined,
        'atomicAdd(&output[0], u32(input[id.x])); _ = &info;',
      ),
      [64, 1, 1],
    ],
    [
      'bindings only touched by a phony assignment',
      shader(BINDINGS, undefined, '_ = &input; _ = &info; output[0] = 1u;'),
      [64, 1, 1],
    ],
    [
      'resources used through a helper function',
      `${BINDINGS}\nfn load(i: u32) -> u32 { return input[i] * info.shardCount; }\n@compute @workgroup_size(16, 16)\nfn main(@builtin(local_invocation_id) id: vec3<u32>) { output[id.x] = load(id.y); }`,
      [16, 16, 1],
    ],
    [
      'other entry points beside main',
      `${shader()}\n@compute @workgroup_size(1) fn helper_entry() {}`,
      [64, 1, 1],
    ],
    ['the 256-invocation limit exactly', shader(BINDINGS, '@compute @workgroup_size(4, 4, 16)'), [4, 4, 16]],
  ])('%s', (_name, code, size) => {
    expect(checkWgslAbi(code)).toEqual({ workgroupSize: size });
  });
});

describe('checkWgslAbi refuses what cannot run', () => {
  it('refuses a syntax error with the parser message and its line', () => {
    const message = error(shader(BINDINGS, undefined, 'output[0] = ;'.replace('= ;', '= (;')));
    expect(message).toMatch(/^WGSL does not parse: .+ \(line 7\)$/);
    expect(error('fn main( {')).toMatch(/^WGSL does not parse: Expected argument name \(line 1\)$/);
  });

  it.each([
    [
      'input as read_write',
      BINDINGS.replace('var<storage, read> input', 'var<storage, read_write> input'),
      /binding\(0\) input must be var<storage, read>/,
    ],
    [
      'input as a uniform',
      BINDINGS.replace('var<storage, read> input: array<u32>', 'var<uniform> input: vec4<u32>'),
      /binding\(0\) input must be var<storage, read>/,
    ],
    [
      'a fixed-size input array',
      BINDINGS.replace('input: array<u32>', 'input: array<u32, 4>'),
      /runtime-sized/,
    ],
    [
      'vec4 input elements',
      BINDINGS.replace('input: array<u32>', 'input: array<vec4<u32>>'),
      /elements of vec4/,
    ],
    [
      'a read-only output',
      BINDINGS.replace('var<storage, read_write> output', 'var<storage, read> output'),
      /binding\(1\) output must be var<storage, read_write>/,
    ],
    [
      'shard info as storage',
      BINDINGS.replace('var<uniform> info', 'var<storage, read> info'),
      /binding\(2\) info must be var<uniform> of a struct of four u32/,
    ],
    [
      'shard info with three fields',
      BINDINGS.replace(INFO, 'struct ShardInfo { shardIndex: u32, shardCount: u32, inputBytes: u32 }'),
      /four u32/,
    ],
    [
      'shard info with an f32 field',
      BINDINGS.replace('outputBytes: u32 }', 'outputBytes: f32 }'),
      /four u32/,
    ],
    ['group 1', BINDINGS.replace('@group(0) @binding(2)', '@group(1) @binding(2)'), /info is in @group\(1\)/],
    [
      'an extra binding',
      `${BINDINGS}\n@group(0) @binding(3) var<storage, read_write> extra: array<u32>;`,
      /binding\(3\) extra is not in the ABI/,
    ],
    ['a texture', `${BINDINGS}\n@group(0) @binding(3) var tex: texture_2d<f32>;`, /tex is not in the ABI/],
    [
      'a missing input declaration',
      BINDINGS.replace(/^@group\(0\) @binding\(0\).*$/m, ''),
      /binding\(0\) \(the input buffer\) is not declared/,
    ],
  ])('refuses %s', (_name, bindings, message) => {
    const body = bindings.includes('binding(0)') ? USE_ALL : 'output[id.x] = info.shardIndex;';
    expect(error(shader(bindings, undefined, body))).toMatch(message);
  });

  it.each([
    ['no main', shader().replace('fn main', 'fn start'), /no entry point: declare @compute/],
    [
      'a vertex main',
      `${BINDINGS}\n@vertex fn main() -> @builtin(position) vec4<f32> { _ = &input; return vec4<f32>(); }`,
      /main is a @vertex; it must be @compute/,
    ],
    ['no workgroup size', shader(BINDINGS, '@compute'), /needs @workgroup_size/],
    ['x over 256', shader(BINDINGS, '@compute @workgroup_size(512)'), /x = 512; at most 256/],
    ['z over 64', shader(BINDINGS, '@compute @workgroup_size(1, 1, 65)'), /z = 65; at most 64/],
    [
      'over 256 invocations',
      shader(BINDINGS, '@compute @workgroup_size(16, 32)'),
      /512 invocations; at most 256/,
    ],
    [
      'an override',
      shader(`override N: u32 = 64u;\n${BINDINGS}`, '@compute @workgroup_size(N)'),
      /override N is not supported/,
    ],
    ['an enable directive', `enable f16;\n${shader()}`, /"enable f16" requests a GPU feature/],
    [
      'an unused binding',
      shader(BINDINGS, undefined, 'output[id.x] = info.shardIndex;'),
      /main never uses @binding\(0\) input.*_ = &input;/,
    ],
  ])('refuses %s', (_name, code, message) => {
    expect(error(code)).toMatch(message);
  });
});
