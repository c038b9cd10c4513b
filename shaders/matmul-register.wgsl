// C = A·B in f32, register-blocked: each invocation computes a 4×4 block of C in registers and
// reads its operands straight from storage, with no workgroup memory. On software adapters
// (SwiftShader), where workgroup memory and barriers cost more than they save, this is the fastest
// variant we measured. Layout, padding, variant choice and dispatch math live in
// lib/kernels/matmul-gpu.ts.

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

override WORKGROUP_X: u32 = 8u;
override WORKGROUP_Y: u32 = 8u;

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let col = id.x;
  let row = id.y * 4u;
  if (col >= dims.colVecs || row >= dims.rows) {
    return;
  }
  let kVecs = dims.kVecs;
  let colVecs = dims.colVecs;
  // Rows past the end read the last row again (cheaper than a branch per load); never written.
  let last = dims.rows - 1u;
  let a0 = min(row, last) * kVecs;
  let a1 = min(row + 1u, last) * kVecs;
  let a2 = min(row + 2u, last) * kVecs;
  let a3 = min(row + 3u, last) * kVecs;
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var l = 0u; l < kVecs; l++) {
    let bk = 4u * l * colVecs + col;
    let b0 = b[bk];
    let b1 = b[bk + colVecs];
    let b2 = b[bk + 2u * colVecs];
    let b3 = b[bk + 3u * colVecs];
    let x0 = a[a0 + l];
    c0 += x0.x * b0 + x0.y * b1 + x0.z * b2 + x0.w * b3;
    let x1 = a[a1 + l];
    c1 += x1.x * b0 + x1.y * b1 + x1.z * b2 + x1.w * b3;
    let x2 = a[a2 + l];
    c2 += x2.x * b0 + x2.y * b1 + x2.z * b2 + x2.w * b3;
    let x3 = a[a3 + l];
    c3 += x3.x * b0 + x3.y * b1 + x3.z * b2 + x3.w * b3;
  }
  c[row * colVecs + col] = c0;
  if (row + 1u < dims.rows) {
    c[(row + 1u) * colVecs + col] = c1;
  }
  if (row + 2u < dims.rows) {
    c[(row + 2u) * colVecs + col] = c2;
  }
  if (row + 3u < dims.rows) {
    c[(row + 3u) * colVecs + col] = c3;
  }
}
