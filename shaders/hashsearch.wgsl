// SHA-256 proof-of-work search (FIPS 180-4 in 32-bit operations): for every nonce i of the shard,
// hash prefix ‖ nonce (u64 little-endian) and record the nonces whose digest has at least
// `difficulty` leading zero bits, and the nonce behind each of the shard's ringers (digests of
// secret nonces the server planted in the range: only a search that hashed them can name them).
// The prefix's whole 64-byte blocks are compressed once on the CPU (the midstate); each invocation
// redoes only the last one or two blocks, where the nonce sits.
// Layout, padding and dispatch math live in lib/kernels/hashsearch/hashsearch-gpu.ts.

// Ringers per shard (HASHSEARCH_RINGERS in lib/kernels/hashsearch/hashsearch-params.ts).
const RINGERS: u32 = 16u;

struct Search {
  // SHA-256 state after the prefix's whole blocks (H(0) when the prefix is shorter than 64 bytes).
  midstate: array<vec4<u32>, 2>,
  // The final 1 or 2 padded blocks as big-endian words, with the nonce's 8 bytes left zero.
  tail: array<vec4<u32>, 8>,
  // First nonce of the shard as u64 = hi·2³² + lo.
  nonceStartLo: u32,
  nonceStartHi: u32,
  // nonceCount − 1, so a count of 2³² still fits in a u32.
  lastIndex: u32,
  difficulty: u32,
  // Byte offset of the nonce within the tail blocks (0..63).
  nonceOffset: u32,
  tailBlocks: u32,
  // Capacity of `hits.nonces`; matches beyond it are counted but not stored.
  maxHits: u32,
  _pad: u32,
  // The ringer digests, two rows of four big-endian words each: ringer j is rows 2j and 2j + 1.
  ringers: array<vec4<u32>, 32>,
}

struct Hits {
  // Matches found (may exceed maxHits: the caller treats that as an implausible result).
  count: atomic<u32>,
  // Bit j set once ringer j's nonce is in `ringerNonces[j]`.
  found: atomic<u32>,
  // The nonce behind each ringer digest as (lo, hi).
  ringerNonces: array<vec2<u32>, 16>,
  // Matching nonces as (lo, hi), in no particular order.
  nonces: array<vec2<u32>>,
}

@group(0) @binding(0) var<uniform> search: Search;
@group(0) @binding(1) var<storage, read_write> hits: Hits;

override WORKGROUP_SIZE: u32 = 64u;

fn rotr(x: u32, n: u32) -> u32 {
  return (x >> n) | (x << (32u - n));
}

fn bigSigma0(x: u32) -> u32 {
  return rotr(x, 2u) ^ rotr(x, 13u) ^ rotr(x, 22u);
}

fn bigSigma1(x: u32) -> u32 {
  return rotr(x, 6u) ^ rotr(x, 11u) ^ rotr(x, 25u);
}

fn smallSigma0(x: u32) -> u32 {
  return rotr(x, 7u) ^ rotr(x, 18u) ^ (x >> 3u);
}

fn smallSigma1(x: u32) -> u32 {
  return rotr(x, 17u) ^ rotr(x, 19u) ^ (x >> 10u);
}

fn choose(x: u32, y: u32, z: u32) -> u32 {
  return (x & y) ^ (~x & z);
}

fn majority(x: u32, y: u32, z: u32) -> u32 {
  return (x & y) ^ (x & z) ^ (y & z);
}

// The SHA-256 round constants (FIPS 180-4 §4.2.2).
const K = array<u32, 64>(
  0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
  0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
  0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
  0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
  0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
  0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
  0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
  0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
);

// One SHA-256 compression of the 16 big-endian words `block` into `state`. (A fully unrolled
// version measured no faster on SwiftShader and compiles several times slower.)
fn compress(state: array<u32, 8>, block: array<u32, 16>) -> array<u32, 8> {
  var w: array<u32, 64>;
  for (var i = 0u; i < 16u; i++) {
    w[i] = block[i];
  }
  for (var i = 16u; i < 64u; i++) {
    w[i] = w[i - 16u] + smallSigma0(w[i - 15u]) + w[i - 7u] + smallSigma1(w[i - 2u]);
  }
  var a = state[0];
  var b = state[1];
  var c = state[2];
  var d = state[3];
  var e = state[4];
  var f = state[5];
  var g = state[6];
  var h = state[7];
  for (var i = 0u; i < 64u; i++) {
    let t1 = h + bigSigma1(e) + choose(e, f, g) + K[i] + w[i];
    let t2 = bigSigma0(a) + majority(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  return array<u32, 8>(
    state[0] + a, state[1] + b, state[2] + c, state[3] + d,
    state[4] + e, state[5] + f, state[6] + g, state[7] + h,
  );
}

fn byteSwap(x: u32) -> u32 {
  return (x >> 24u) | ((x >> 8u) & 0xff00u) | ((x << 8u) & 0xff0000u) | (x << 24u);
}

// Word `i` of the tail blocks with the nonce's words (n0, n1, n2 from word `first` on) written in.
fn tailWord(i: u32, first: u32, n0: u32, n1: u32, n2: u32) -> u32 {
  let nonce = select(0u, n0, i == first) | select(0u, n1, i == first + 1u) | select(0u, n2, i == first + 2u);
  return search.tail[i >> 2u][i & 3u] | nonce;
}

fn tailBlock(index: u32, first: u32, n0: u32, n1: u32, n2: u32) -> array<u32, 16> {
  let base = 16u * index;
  return array<u32, 16>(
    tailWord(base, first, n0, n1, n2), tailWord(base + 1u, first, n0, n1, n2),
    tailWord(base + 2u, first, n0, n1, n2), tailWord(base + 3u, first, n0, n1, n2),
    tailWord(base + 4u, first, n0, n1, n2), tailWord(base + 5u, first, n0, n1, n2),
    tailWord(base + 6u, first, n0, n1, n2), tailWord(base + 7u, first, n0, n1, n2),
    tailWord(base + 8u, first, n0, n1, n2), tailWord(base + 9u, first, n0, n1, n2),
    tailWord(base + 10u, first, n0, n1, n2), tailWord(base + 11u, first, n0, n1, n2),
    tailWord(base + 12u, first, n0, n1, n2), tailWord(base + 13u, first, n0, n1, n2),
    tailWord(base + 14u, first, n0, n1, n2), tailWord(base + 15u, first, n0, n1, n2),
  );
}

// The SHA-256 digest (as 8 big-endian words) of prefix ‖ nonce for nonce = hi·2³² + lo.
fn hashNonce(lo: u32, hi: u32) -> array<u32, 8> {
  // The nonce's 8 bytes in message order, as two big-endian words, then shifted into place: it
  // starts `shift` bytes into word `first` and so touches up to three words.
  let first = search.nonceOffset >> 2u;
  let shift = (search.nonceOffset & 3u) * 8u;
  let n0 = byteSwap(lo);
  let n1 = byteSwap(hi);
  // WGSL shifts by 32 wrap to 0, so an aligned nonce (shift 0) takes the words as they are.
  let split = shift != 0u;
  let w0 = select(n0, n0 >> shift, split);
  let w1 = select(n1, (n0 << (32u - shift)) | (n1 >> shift), split);
  let w2 = select(0u, n1 << (32u - shift), split);
  let midstate = array<u32, 8>(
    search.midstate[0].x, search.midstate[0].y, search.midstate[0].z, search.midstate[0].w,
    search.midstate[1].x, search.midstate[1].y, search.midstate[1].z, search.midstate[1].w,
  );
  let state = compress(midstate, tailBlock(0u, first, w0, w1, w2));
  if (search.tailBlocks == 2u) {
    return compress(state, tailBlock(1u, first, w0, w1, w2));
  }
  return state;
}

// Leading zero bits of the digest, counted up to 64 (the highest difficulty the params allow).
fn leadingZeroBits(state: array<u32, 8>) -> u32 {
  let zeros = countLeadingZeros(state[0]);
  if (zeros < 32u) {
    return zeros;
  }
  return 32u + countLeadingZeros(state[1]);
}

// Whether `state` is ringer j's digest (first word compared first: almost always the only test).
fn isRinger(state: array<u32, 8>, j: u32) -> bool {
  let a = search.ringers[2u * j];
  if (state[0] != a.x) {
    return false;
  }
  let b = search.ringers[2u * j + 1u];
  return all(vec4<u32>(state[0], state[1], state[2], state[3]) == a) &&
    all(vec4<u32>(state[4], state[5], state[6], state[7]) == b);
}

// The search: a grid-stride loop, so any nonceCount up to 2³² fits a bounded dispatch.
@compute @workgroup_size(WORKGROUP_SIZE)
fn search_nonces(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let stride = groups.x * WORKGROUP_SIZE;
  let last = search.lastIndex;
  var index = id.x;
  loop {
    if (index > last) {
      break;
    }
    // u64 addition as two u32: a carry out of the low word crosses a 2³² boundary.
    let lo = search.nonceStartLo + index;
    let hi = search.nonceStartHi + select(0u, 1u, lo < index);
    let state = hashNonce(lo, hi);
    if (leadingZeroBits(state) >= search.difficulty) {
      let slot = atomicAdd(&hits.count, 1u);
      if (slot < search.maxHits) {
        hits.nonces[slot] = vec2<u32>(lo, hi);
      }
    }
    // No early exit: two ringers may share a nonce (a short shard), and each slot needs it.
    for (var j = 0u; j < RINGERS; j++) {
      if (isRinger(state, j)) {
        hits.ringerNonces[j] = vec2<u32>(lo, hi);
        atomicOr(&hits.found, 1u << j);
      }
    }
    if (last - index < stride) {
      break;
    }
    index += stride;
  }
}

// Diagnostic: writes the full digest of prefix ‖ nonceStart as 8 big-endian words into
// `hits.nonces[0..4]`, so tests can check this file's SHA-256 against FIPS 180-4 vectors through
// exactly the code path the search uses.
@compute @workgroup_size(1)
fn digest() {
  let state = hashNonce(search.nonceStartLo, search.nonceStartHi);
  for (var i = 0u; i < 4u; i++) {
    hits.nonces[i] = vec2<u32>(state[2u * i], state[2u * i + 1u]);
  }
  atomicStore(&hits.count, 1u);
}
