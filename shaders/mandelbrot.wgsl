// Mandelbrot escape counts for one tile of an image: for each pixel, the number of iterations of
// z ↦ z² + c from z = 0 before |z|² > 4, capped at maxIter. Every operation is float32 in the
// order of mandelbrotEscapeF32 (lib/kernels/mandelbrot-escape.ts), the CPU reference; the view
// (left, top, step) is computed once on the host. Layout and dispatch math live in
// lib/kernels/mandelbrot-gpu.ts.

struct Tile {
  // Pixel (0, 0)'s centre in the complex plane and the pixel spacing, as f32.
  left: f32,
  top: f32,
  step: f32,
  maxIter: u32,
  // The tile's top-left pixel in the whole image, and its size.
  x0: u32,
  y0: u32,
  w: u32,
  h: u32,
}

@group(0) @binding(0) var<uniform> tile: Tile;
// Row-major counts of the tile, w × h.
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= tile.w || id.y >= tile.h) {
    return;
  }
  let cx = tile.left + f32(tile.x0 + id.x) * tile.step;
  let cy = tile.top - f32(tile.y0 + id.y) * tile.step;
  var x = 0.0;
  var y = 0.0;
  var i = 0u;
  loop {
    if (i >= tile.maxIter) {
      break;
    }
    let x2 = x * x;
    let y2 = y * y;
    if (x2 + y2 > 4.0) {
      break;
    }
    let xy = x * y;
    y = xy + xy + cy;
    x = x2 - y2 + cx;
    i = i + 1u;
  }
  counts[id.y * tile.w + id.x] = i;
}
