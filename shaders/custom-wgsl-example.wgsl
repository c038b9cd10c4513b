// An example of the `wgsl` kernel's binding ABI (docs/kernels.md), and the default code of a new
// wgsl job: output word i = 2 × input word i + shardIndex (input words past the end read as 0).
// Names are free; the groups, bindings, types and the entry point `main` are fixed.

struct ShardInfo {
  shardIndex: u32,
  shardCount: u32,
  // The input's length in bytes before padding to whole words.
  inputBytes: u32,
  outputBytes: u32,
}

@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@group(0) @binding(2) var<uniform> info: ShardInfo;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= info.outputBytes / 4u) {
    return;
  }
  var value = 0u;
  if (i < (info.inputBytes + 3u) / 4u) {
    value = input[i];
  }
  output[i] = 2u * value + info.shardIndex;
}
