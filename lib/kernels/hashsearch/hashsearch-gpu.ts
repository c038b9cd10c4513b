import wgsl from '../../../shaders/hashsearch.wgsl';
import type { AdapterProfile, GpuDispatch } from '../gpu';
import { hexToBytes } from '../hex';
import type { ShardSpec } from '../kernel';
import { SHA256_IV, sha256Compress, sha256FinalBlocks } from '../sha256';
import { HASHSEARCH_RINGERS, type HashsearchShardParams } from './hashsearch-params';
import { ringerWords } from './hashsearch-ringers';

/** The search and digest shader (shaders/hashsearch.wgsl). */
export const hashsearchWgsl: string = wgsl;

/** Invocations per workgroup (the shader's `WORKGROUP_SIZE` override). */
export const HASHSEARCH_WORKGROUP_SIZE = 64;
/**
 * Nonces each invocation hashes in the shader's grid-stride loop when the workgroup limit does
 * not force more: a few per invocation amortize its setup (2^20 nonces → 4096 workgroups).
 */
export const HASHSEARCH_NONCES_PER_INVOCATION = 4;
/**
 * Bytes of the `Search` uniform: midstate (32), tail blocks (128), two rows of four u32 (32), then
 * the ringer digests (32 each).
 */
export const HASHSEARCH_UNIFORM_BYTES = 192 + 32 * HASHSEARCH_RINGERS;
/**
 * The hits buffer starts with `count` and the `found` ringer bitmask (8 bytes) and one (lo, hi)
 * slot per ringer; the matches' (lo, hi) pairs follow.
 */
const HITS_HEADER_BYTES = 8 + 8 * HASHSEARCH_RINGERS;

/** The prefix's precomputed part: everything a shard's nonces share. */
export interface HashsearchMessage {
  /** SHA-256 state after the prefix's whole 64-byte blocks. */
  midstate: Uint32Array;
  /** The final padded block(s), 64 or 128 bytes, with the nonce's 8 bytes zero. */
  tail: Uint8Array;
  /** Where the nonce's first byte sits in `tail`. */
  nonceOffset: number;
}

/**
 * Splits `prefix ‖ nonce` into what the CPU does once per shard (compress the prefix's whole
 * blocks) and what the GPU does per nonce (the final one or two blocks, nonce written in).
 */
export function hashsearchMessage(prefix: Uint8Array): HashsearchMessage {
  const midstate = Uint32Array.from(SHA256_IV);
  const schedule = new Uint32Array(64);
  const fullBlocks = Math.floor(prefix.length / 64);
  for (let i = 0; i < fullBlocks; i++) sha256Compress(midstate, prefix, 64 * i, schedule);
  const rest = prefix.subarray(64 * fullBlocks);
  const tail = sha256FinalBlocks(new Uint8Array([...rest, 0, 0, 0, 0, 0, 0, 0, 0]), prefix.length + 8);
  return { midstate, tail, nonceOffset: rest.length };
}

/**
 * Packs the `Search` uniform (see shaders/hashsearch.wgsl): midstate, tail words (big-endian, as
 * SHA-256 reads them), nonceStart as two u32, nonceCount − 1, difficulty, nonce offset, the
 * number of tail blocks, the hit capacity and the ringer digests (big-endian words; all zero when
 * `ringers` is empty, as for the digest diagnostic). All little-endian u32, as WGSL reads uniforms.
 */
export function hashsearchUniform(
  message: HashsearchMessage,
  search: {
    nonceStart: bigint;
    nonceCount: number;
    difficulty: number;
    maxHits: number;
    ringers?: readonly string[];
  },
): Uint8Array {
  const bytes = new Uint8Array(HASHSEARCH_UNIFORM_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(4 * i, message.midstate[i]!, true);
  const tail = new DataView(message.tail.buffer, message.tail.byteOffset, message.tail.byteLength);
  for (let i = 0; i < message.tail.length / 4; i++) view.setUint32(32 + 4 * i, tail.getUint32(4 * i), true);
  view.setUint32(160, Number(search.nonceStart & 0xffff_ffffn), true);
  view.setUint32(164, Number(search.nonceStart >> 32n), true);
  view.setUint32(168, search.nonceCount - 1, true);
  view.setUint32(172, search.difficulty, true);
  view.setUint32(176, message.nonceOffset, true);
  view.setUint32(180, message.tail.length / 64, true);
  view.setUint32(184, search.maxHits, true);
  const ringers = search.ringers ?? [];
  if (ringers.length > HASHSEARCH_RINGERS) throw new RangeError(`at most ${HASHSEARCH_RINGERS} ringers`);
  for (const [i, word] of ringerWords(ringers).entries()) view.setUint32(192 + 4 * i, word, true);
  return bytes;
}

/**
 * Workgroups for a search over `nonceCount` nonces: a few nonces per invocation, but never more
 * workgroups than the adapter allows in one dimension; the grid-stride loop covers the rest (a
 * 2^32-nonce shard would otherwise need 16 M workgroups).
 */
export function hashsearchWorkgroups(
  nonceCount: number,
  maxWorkgroupsPerDimension: number,
): readonly [number, number, number] {
  const wanted = Math.ceil(nonceCount / (HASHSEARCH_WORKGROUP_SIZE * HASHSEARCH_NONCES_PER_INVOCATION));
  return [Math.min(wanted, maxWorkgroupsPerDimension), 1, 1];
}

/** Size of the hits buffer for `maxHits` matches: the header with the ringer slots, 8 bytes per match. */
export function hashsearchHitsBytes(maxHits: number): number {
  return HITS_HEADER_BYTES + 8 * maxHits;
}

/**
 * Turns the hits buffer into the shard's result, exactly what `hashsearch.reference` returns: the
 * found matches sorted ascending as u64 LE, then the `ringers` slot nonces in ringer order. Throws
 * when more matches were counted than the buffer holds (the server would refuse such a result,
 * `hashsearchMaxHits`) or when a ringer was not found (its digest is not in the range: a bad lease).
 */
export function finishHashsearch(readback: Uint8Array, maxHits: number, ringers: number): Uint8Array {
  const view = new DataView(readback.buffer, readback.byteOffset, readback.byteLength);
  const count = view.getUint32(0, true);
  if (count > maxHits) {
    throw new RangeError(
      `${count} matching nonces found; a shard may report at most ${maxHits}, so this result would be refused`,
    );
  }
  if (readback.length < hashsearchHitsBytes(count)) {
    throw new RangeError(`hits buffer of ${readback.length} bytes cannot hold ${count} nonces`);
  }
  const found = view.getUint32(4, true);
  for (let j = 0; j < ringers; j++) {
    if (((found >>> j) & 1) === 0) {
      throw new RangeError(`ringer ${j} is not the digest of any nonce in the shard's range`);
    }
  }
  const nonces: bigint[] = [];
  for (let i = 0; i < count; i++) nonces.push(view.getBigUint64(HITS_HEADER_BYTES + 8 * i, true));
  nonces.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const out = new Uint8Array(8 * (count + ringers));
  const outView = new DataView(out.buffer);
  for (const [i, nonce] of nonces.entries()) outView.setBigUint64(8 * i, nonce, true);
  for (let j = 0; j < ringers; j++) {
    outView.setBigUint64(8 * (count + j), view.getBigUint64(8 + 8 * j, true), true);
  }
  return out;
}

/**
 * How a hashsearch shard runs on the GPU. Bindings: 0 = the `Search` uniform (with the ringer
 * digests), 1 = the hits buffer (an atomic match count, the atomic `found` ringer bitmask, one
 * slot per ringer, then up to `maxHits` matches, sized from `hashsearchMaxHits`). Every
 * invocation compares its digest with each ringer. The adapter only bounds the workgroup count:
 * SHA-256 is integer work that suits every GPU the same way.
 */
export function hashsearchDispatch(
  shard: ShardSpec<HashsearchShardParams>,
  adapter: AdapterProfile,
  maxHits: number,
): GpuDispatch {
  const { prefix, difficulty, nonceStart, nonceCount, ringers } = shard.params;
  const uniform = hashsearchUniform(hashsearchMessage(hexToBytes(prefix)), {
    nonceStart: BigInt(nonceStart),
    nonceCount,
    difficulty,
    maxHits,
    ringers,
  });
  const hitsBytes = hashsearchHitsBytes(maxHits);
  return {
    shaderKey: `hashsearch/search/${HASHSEARCH_WORKGROUP_SIZE}`,
    code: hashsearchWgsl,
    entryPoint: 'search_nonces',
    constants: { WORKGROUP_SIZE: HASHSEARCH_WORKGROUP_SIZE },
    buffers: [
      { usage: 'uniform', data: uniform },
      { usage: 'readwrite', size: hitsBytes },
    ],
    workgroups: hashsearchWorkgroups(nonceCount, adapter.limits.maxComputeWorkgroupsPerDimension),
    readback: { buffer: 1, bytes: hitsBytes },
    finish: (readback) => finishHashsearch(readback, maxHits, ringers.length),
  };
}

/**
 * A diagnostic dispatch: the SHA-256 digest of `message` (8 to 136 bytes, any content) through
 * the shader's `digest` entry point, i.e. the same midstate, nonce placement and compression code
 * the search runs, with the last 8 bytes of `message` taken as the nonce. Lets tests check the
 * WGSL SHA-256 against FIPS 180-4 vectors and against an independent implementation.
 */
export function sha256DigestDispatch(message: Uint8Array): GpuDispatch {
  if (message.length < 8 || message.length > 136) {
    throw new RangeError(
      `the GPU digest takes 8 to 136 bytes (a prefix and a u64 nonce), got ${message.length}`,
    );
  }
  const split = message.length - 8;
  const nonce = new DataView(message.buffer, message.byteOffset + split, 8).getBigUint64(0, true);
  const uniform = hashsearchUniform(hashsearchMessage(message.subarray(0, split)), {
    nonceStart: nonce,
    nonceCount: 1,
    difficulty: 0,
    maxHits: 4,
  });
  const hitsBytes = hashsearchHitsBytes(4);
  return {
    shaderKey: 'hashsearch/digest',
    code: hashsearchWgsl,
    entryPoint: 'digest',
    constants: { WORKGROUP_SIZE: HASHSEARCH_WORKGROUP_SIZE },
    buffers: [
      { usage: 'uniform', data: uniform },
      { usage: 'readwrite', size: hitsBytes },
    ],
    workgroups: [1, 1, 1],
    readback: { buffer: 1, bytes: hitsBytes },
    finish(readback) {
      // The shader wrote the state words (u32, little-endian in memory); a digest is big-endian.
      const view = new DataView(readback.buffer, readback.byteOffset, readback.byteLength);
      const digest = new Uint8Array(32);
      const out = new DataView(digest.buffer);
      for (let i = 0; i < 8; i++) out.setUint32(4 * i, view.getUint32(HITS_HEADER_BYTES + 4 * i, true));
      return digest;
    },
  };
}
