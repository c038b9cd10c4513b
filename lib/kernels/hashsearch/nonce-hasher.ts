import { SHA256_IV, sha256Compress, sha256FinalBlocks } from '../sha256';

/**
 * Hashes `prefix ‖ nonce (u64 LE)` for many nonces: the prefix's full blocks are compressed once
 * (the midstate) and only the final one or two blocks, where the nonce sits, are redone per
 * nonce, rewriting just its 8 bytes. Nothing is allocated per hash.
 */
export class NonceHasher {
  private readonly midstate = Uint32Array.from(SHA256_IV);
  private readonly state = new Uint32Array(8);
  private readonly schedule = new Uint32Array(64);
  private readonly finalBlocks: Uint8Array;
  private readonly nonceOffset: number;

  constructor(prefix: Uint8Array) {
    const fullBlocks = Math.floor(prefix.length / 64);
    for (let i = 0; i < fullBlocks; i++) sha256Compress(this.midstate, prefix, 64 * i, this.schedule);
    const rest = prefix.subarray(64 * fullBlocks);
    const tail = new Uint8Array(rest.length + 8);
    tail.set(rest);
    this.finalBlocks = sha256FinalBlocks(tail, prefix.length + 8);
    this.nonceOffset = rest.length;
  }

  /**
   * The digest of nonce = hi·2³² + lo as 8 big-endian words. The array is reused by the next call:
   * read it before hashing again.
   */
  digest(lo: number, hi: number): Uint32Array {
    const blocks = this.finalBlocks;
    const o = this.nonceOffset;
    blocks[o] = lo;
    blocks[o + 1] = lo >>> 8;
    blocks[o + 2] = lo >>> 16;
    blocks[o + 3] = lo >>> 24;
    blocks[o + 4] = hi;
    blocks[o + 5] = hi >>> 8;
    blocks[o + 6] = hi >>> 16;
    blocks[o + 7] = hi >>> 24;
    const state = this.state;
    state.set(this.midstate);
    for (let offset = 0; offset < blocks.length; offset += 64)
      sha256Compress(state, blocks, offset, this.schedule);
    return state;
  }

  /** Leading zero bits of the digest for nonce = hi·2³² + lo (both u32). */
  leadingZeroBits(lo: number, hi: number): number {
    return digestLeadingZeroBits(this.digest(lo, hi));
  }
}

/** Leading zero bits of a digest given as 8 big-endian words. */
export function digestLeadingZeroBits(state: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < 8; i++) {
    const wordZeros = Math.clz32(state[i]!);
    zeros += wordZeros;
    if (wordZeros < 32) break;
  }
  return zeros;
}
