// European option pricing under geometric Brownian motion: each invocation simulates one path
// and each workgroup of 256 sums its paths' payoffs and squared payoffs (one chunk of the result).
// Needs shaders/philox.wgsl prepended (philox4x32_10). Every float32 operation follows
// lib/kernels/montecarlo-normal.ts and montecarlo-simulate.ts, the CPU reference; the log and
// cosine are our own polynomials because WGSL allows its built-in ones a loose accuracy.
// Layout and dispatch math live in lib/kernels/montecarlo-gpu.ts.

struct Pricing {
  // Rounded once on the host: spot, strike, (r − σ²/2)·T and σ·√T.
  spot: f32,
  strike: f32,
  drift: f32,
  volSqrtT: f32,
  // 1 for a call, 0 for a put.
  isCall: u32,
  // The shard's first global path (a multiple of 256) and its number of paths.
  pathOffset: u32,
  pathCount: u32,
  // The Philox key: the seed's low and high words.
  keyLo: u32,
  keyHi: u32,
}

@group(0) @binding(0) var<uniform> pricing: Pricing;
// Per chunk of 256 paths: (sum of payoffs, sum of squared payoffs).
@group(0) @binding(1) var<storage, read_write> chunkSums: array<f32>;

const CHUNK_PATHS: u32 = 256u;
var<workgroup> laneSum: array<f32, 256>;
var<workgroup> laneSq: array<f32, 256>;

// cos(πx/2) and sin(πx/2) Taylor coefficients for |x| ≤ ½, pinned as f32 bit patterns.
const COS1: f32 = bitcast<f32>(0xbf9de9e6u);
const COS2: f32 = bitcast<f32>(0x3e81e0f8u);
const COS3: f32 = bitcast<f32>(0xbcaae9e4u);
const COS4: f32 = bitcast<f32>(0x3a70fa83u);
const COS5: f32 = bitcast<f32>(0xb7d368f9u);
const SIN0: f32 = bitcast<f32>(0x3fc90fdbu);
const SIN1: f32 = bitcast<f32>(0xbf255de7u);
const SIN2: f32 = bitcast<f32>(0x3da335e3u);
const SIN3: f32 = bitcast<f32>(0xbb996966u);
const SIN4: f32 = bitcast<f32>(0x39283c1au);
// ln m = s·Σ 2s^{2k}/(2k+1) with s = (m − 1)/(m + 1).
const LN0: f32 = bitcast<f32>(0x40000000u);
const LN1: f32 = bitcast<f32>(0x3f2aaaabu);
const LN2C: f32 = bitcast<f32>(0x3ecccccdu);
const LN3: f32 = bitcast<f32>(0x3e924925u);
const LN4: f32 = bitcast<f32>(0x3e638e39u);
const LN5: f32 = bitcast<f32>(0x3e3a2e8cu);
const LN2: f32 = bitcast<f32>(0x3f317218u);
const SQRT2: f32 = bitcast<f32>(0x3fb504f3u);

// (2k + 1)·2⁻²⁴ from the top 23 bits: exact, strictly inside (0, 1).
fn unit_open(word: u32) -> f32 {
  return f32(word >> 9u) * 1.1920928955078125e-7 + 5.9604644775390625e-8;
}

fn ln_f32(u: f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > SQRT2) {
    m = m * 0.5;
    e = e + 1;
  }
  let g = m - 1.0;
  let s = g / (2.0 + g);
  let s2 = s * s;
  var p = LN5;
  p = p * s2 + LN4;
  p = p * s2 + LN3;
  p = p * s2 + LN2C;
  p = p * s2 + LN1;
  p = p * s2 + LN0;
  return f32(e) * LN2 + s * p;
}

fn cos2pi_f32(u: f32) -> f32 {
  let t = 4.0 * u;
  let q = floor(t + 0.5);
  let x = t - q;
  let x2 = x * x;
  var c = COS5;
  c = c * x2 + COS4;
  c = c * x2 + COS3;
  c = c * x2 + COS2;
  c = c * x2 + COS1;
  c = c * x2 + 1.0;
  var s = SIN4;
  s = s * x2 + SIN3;
  s = s * x2 + SIN2;
  s = s * x2 + SIN1;
  s = s * x2 + SIN0;
  s = x * s;
  switch (u32(q) & 3u) {
    case 0u: {
      return c;
    }
    case 1u: {
      return -s;
    }
    case 2u: {
      return -c;
    }
    default: {
      return s;
    }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let local = group.x * CHUNK_PATHS + lane;
  var payoff = 0.0;
  if (local < pricing.pathCount) {
    let words = philox4x32_10(vec4<u32>(pricing.pathOffset + local, 0u, 0u, 0u),
                              vec2<u32>(pricing.keyLo, pricing.keyHi));
    let radius = sqrt(-2.0 * ln_f32(unit_open(words.x)));
    let z = radius * cos2pi_f32(unit_open(words.y));
    let terminal = pricing.spot * exp(pricing.drift + pricing.volSqrtT * z);
    if (pricing.isCall != 0u) {
      payoff = max(terminal - pricing.strike, 0.0);
    } else {
      payoff = max(pricing.strike - terminal, 0.0);
    }
  }
  laneSum[lane] = payoff;
  laneSq[lane] = payoff * payoff;
  workgroupBarrier();
  for (var stride = CHUNK_PATHS / 2u; stride > 0u; stride = stride >> 1u) {
    if (lane < stride) {
      laneSum[lane] = laneSum[lane] + laneSum[lane + stride];
      laneSq[lane] = laneSq[lane] + laneSq[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    chunkSums[2u * group.x] = laneSum[0];
    chunkSums[2u * group.x + 1u] = laneSq[0];
  }
}
