// C = A·B in f32, tiled through workgroup memory with vec4 loads (the scheme of tfjs's
// matmul_packed_vec4 and ONNX Runtime Web): an 8×8 workgroup computes a 32×32 tile of C, each
// invocation a 4×4 block; per 32-deep step of k the workgroup stages a 32×32 tile of A and of B in
// workgroup memory, so each operand element is read from storage once per workgroup instead of
// once per invocation. Pays on real GPUs; on SwiftShader the register-blocked variant is faster.
// Layout, padding, variant choice and dispatch math live in lib/kernels/matmul-gpu.ts.

// A: rows × kVecs vec4 (row-major, k padded with zeros to a multiple of 4).
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
// B: (4·kVecs) × colVecs vec4 (row-major, k and cols padded with zeros to multiples of 4).
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
// C: rows × colVecs vec4; the padding columns come out zero and are dropped by the descriptor.
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;

struct Dims {
  rows: u32,
  colVecs: u32,
  kVecs: u32,
  _pad: u32,
}
@group(0) @binding(3) var<uniform> dims: Dims;

// Rows and columns of C per workgroup, and the depth of one step along k.
const TILE: u32 = 32u;
const TILE_VECS: u32 = 8u;

// tileA[r][q]: A[rowBase + r][k0 + 4q .. 4q + 3]; tileB[kk][q]: B[k0 + kk][colBase + 4q .. 4q + 3].
var<workgroup> tileA: array<array<vec4<f32>, 8>, 32>;
var<workgroup> tileB: array<array<vec4<f32>, 8>, 32>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let tx = local.x;
  let ty = local.y;
  let rowBase = group.y * TILE;
  let col = group.x * TILE_VECS + tx;
  let kVecs = dims.kVecs;
  let colVecs = dims.colVecs;
  var acc: array<vec4<f32>, 4>;
  let steps = (kVecs + TILE_VECS - 1u) / TILE_VECS;
  for (var t = 0u; t < steps; t++) {
    // Each invocation stages 4 vec4 of A and 4 of B; out-of-range elements are zero.
    for (var i = 0u; i < 4u; i++) {
      let r = ty * 4u + i;
      let row = rowBase + r;
      let kv = t * TILE_VECS + tx;
      var av = vec4<f32>(0.0);
      if (row < dims.rows && kv < kVecs) {
        av = a[row * kVecs + kv];
      }
      tileA[r][tx] = av;
      let kk = t * TILE + r;
      var bv = vec4<f32>(0.0);
      if (kk < 4u * kVecs && col < colVecs) {
        bv = b[kk * colVecs + col];
      }
      tileB[r][tx] = bv;
    }
    workgroupBarrier();
    for (var q = 0u; q < TILE_VECS; q++) {
      let b0 = tileB[4u * q][tx];
      let b1 = tileB[4u * q + 1u][tx];
      let b2 = tileB[4u * q + 2u][tx];
      let b3 = tileB[4u * q + 3u][tx];
      for (var i = 0u; i < 4u; i++) {
        let x = tileA[ty * 4u + i][q];
        acc[i] += x.x * b0 + x.y * b1 + x.z * b2 + x.w * b3;
      }
    }
    workgroupBarrier();
  }
  if (col < colVecs) {
    for (var i = 0u; i < 4u; i++) {
      let row = rowBase + ty * 4u + i;
      if (row < dims.rows) {
        c[row * colVecs + col] = acc[i];
      }
    }
  }
}
