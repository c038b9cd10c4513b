import { describe, expect, it } from 'vitest';
import type { AdapterProfile } from '../gpu';
import { bytesToHex } from '../hex';
import { createPrng } from '../prng';
import { sha256, sha256Compress } from '../sha256';
import { hashsearch, hashsearchMaxHits } from './hashsearch';
import {
  finishHashsearch,
  HASHSEARCH_UNIFORM_BYTES,
  hashsearchDispatch,
  hashsearchHitsBytes,
  hashsearchMessage,
  hashsearchUniform,
  hashsearchWgsl,
  hashsearchWorkgroups,
  sha256DigestDispatch,
} from './hashsearch-gpu';
import { HASHSEARCH_RINGERS } from './hashsearch-params';
import { hashsearchShard, ringerWords } from './hashsearch-ringers';

const adapter: AdapterProfile = {
  vendor: 'google',
  architecture: 'swiftshader',
  fallback: true,
  features: [],
  limits: {
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupStorageSize: 32768,
    maxStorageBufferBindingSize: 2 ** 30,
    maxComputeWorkgroupsPerDimension: 65535,
  },
};

function u32s(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

/**
 * The shader's `hashNonce`, in TypeScript, reading only the packed uniform: places the nonce's
 * bytes into the tail words with the same shifts, then compresses from the midstate. Checks the
 * uniform layout and the nonce placement arithmetic (every offset mod 4, block crossings) without
 * a GPU; the browser tests check the WGSL itself.
 */
function modelHash(uniform: Uint8Array, lo: number, hi: number): Uint8Array {
  const words = u32s(uniform);
  const state = Uint32Array.from(words.slice(0, 8));
  const tail = words.slice(8, 40);
  const nonceOffset = words[44]!;
  const tailBlocks = words[45]!;
  const first = nonceOffset >>> 2;
  const shift = (nonceOffset & 3) * 8;
  const swap = (x: number) => ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24)) >>> 0;
  const n0 = swap(lo);
  const n1 = swap(hi);
  const placed =
    shift === 0
      ? [n0, n1, 0]
      : [n0 >>> shift, ((n0 << (32 - shift)) | (n1 >>> shift)) >>> 0, (n1 << (32 - shift)) >>> 0];
  const block = new Uint8Array(64);
  const view = new DataView(block.buffer);
  const w = new Uint32Array(64);
  for (let b = 0; b < tailBlocks; b++) {
    for (let i = 0; i < 16; i++) {
      const index = 16 * b + i;
      const nonce = index >= first && index < first + 3 ? placed[index - first]! : 0;
      view.setUint32(4 * i, (tail[index]! | nonce) >>> 0);
    }
    sha256Compress(state, block, 0, w);
  }
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) out.setUint32(4 * i, state[i]!);
  return digest;
}

function message(prefix: Uint8Array, nonce: bigint): Uint8Array {
  const bytes = new Uint8Array(prefix.length + 8);
  bytes.set(prefix);
  new DataView(bytes.buffer).setBigUint64(prefix.length, nonce, true);
  return bytes;
}

describe('hashsearch uniform', () => {
  it('is 192 bytes plus 32 per ringer, and its scalars sit where the WGSL struct puts them', () => {
    const bytes = hashsearchUniform(hashsearchMessage(new Uint8Array(70)), {
      nonceStart: 2n ** 32n + 5n,
      nonceCount: 2 ** 32,
      difficulty: 20,
      maxHits: 99,
    });
    expect(bytes.length).toBe(HASHSEARCH_UNIFORM_BYTES);
    expect(HASHSEARCH_UNIFORM_BYTES).toBe(192 + 32 * HASHSEARCH_RINGERS);
    expect(HASHSEARCH_UNIFORM_BYTES % 16).toBe(0);
    // nonceStartLo, nonceStartHi, lastIndex (count − 1), difficulty, nonceOffset, tailBlocks, maxHits.
    expect(u32s(bytes).slice(40, 48)).toEqual([5, 1, 2 ** 32 - 1, 20, 6, 1, 99, 0]);
    // No ringers (the digest diagnostic): all ringer words zero.
    expect(
      u32s(bytes)
        .slice(48)
        .every((word) => word === 0),
    ).toBe(true);
  });

  it('packs the ringer digests after the scalars as big-endian words, ringer j in rows 2j, 2j + 1', () => {
    const shard = hashsearchShard(
      { prefix: 'ab', difficulty: 4, nonceStart: '0', nonceCount: 1000 },
      createPrng([1, 2, 3, 4]),
    );
    const bytes = hashsearchUniform(hashsearchMessage(new Uint8Array([0xab])), {
      nonceStart: 0n,
      nonceCount: 1000,
      difficulty: 4,
      maxHits: 1,
      ringers: shard.params.ringers,
    });
    const words = u32s(bytes).slice(48);
    expect(words).toEqual(Array.from(ringerWords(shard.params.ringers)));
    // Word 0 of ringer 3 is the digest's first four bytes read big-endian.
    expect(words[8 * 3]!.toString(16).padStart(8, '0')).toBe(shard.params.ringers[3]!.slice(0, 8));
  });

  it('declares the same layout as the shader', () => {
    expect(hashsearchWgsl).toMatch(/midstate: array<vec4<u32>, 2>,/);
    expect(hashsearchWgsl).toMatch(/tail: array<vec4<u32>, 8>,/);
    expect(hashsearchWgsl).toMatch(
      /nonceStartLo: u32,\s*(\/\/.*\s*)*nonceStartHi: u32,\s*(\/\/.*\s*)*lastIndex: u32,\s*difficulty: u32,\s*(\/\/.*\s*)*nonceOffset: u32,\s*tailBlocks: u32,/,
    );
    expect(hashsearchWgsl).toMatch(/_pad: u32,\s*(\/\/.*\s*)*ringers: array<vec4<u32>, (\d+)>,\s*\}/);
    expect(hashsearchWgsl).toContain(`ringers: array<vec4<u32>, ${2 * HASHSEARCH_RINGERS}>`);
    expect(hashsearchWgsl).toContain(`const RINGERS: u32 = ${HASHSEARCH_RINGERS}u;`);
    expect(hashsearchWgsl).toMatch(
      new RegExp(
        `count: atomic<u32>,\\s*(//.*\\s*)*found: atomic<u32>,\\s*(//.*\\s*)*ringerNonces: array<vec2<u32>, ${HASHSEARCH_RINGERS}>,\\s*(//.*\\s*)*nonces: array<vec2<u32>>,`,
      ),
    );
    // The found bitmask is one u32.
    expect(HASHSEARCH_RINGERS).toBeLessThanOrEqual(32);
  });

  // Prefix lengths cover every nonce offset mod 4, one and two tail blocks, a nonce crossing the
  // block boundary (offsets 57..63), and midstates over one and two whole blocks.
  for (const length of [0, 1, 2, 3, 4, 5, 47, 48, 55, 56, 57, 61, 63, 64, 65, 100, 127, 128]) {
    it(`places the nonce correctly for a ${length}-byte prefix`, () => {
      const prefix = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      for (const nonce of [0n, 1n, 0x0123456789abcdefn, 2n ** 32n - 1n, 2n ** 32n, 2n ** 64n - 1n]) {
        const uniform = hashsearchUniform(hashsearchMessage(prefix), {
          nonceStart: 0n,
          nonceCount: 1,
          difficulty: 1,
          maxHits: 1,
        });
        const lo = Number(nonce & 0xffff_ffffn);
        const hi = Number(nonce >> 32n);
        expect(bytesToHex(modelHash(uniform, lo, hi))).toBe(bytesToHex(sha256(message(prefix, nonce))));
      }
    });
  }
});

describe('hashsearch dispatch', () => {
  const { params } = hashsearchShard(
    { prefix: 'abcd', difficulty: 8, nonceStart: '4294967000', nonceCount: 2 ** 20 },
    createPrng([9, 9, 9, 9]),
  );

  it('sizes the hits buffer from hashsearchMaxHits, the cap the server enforces, plus the ringer slots', () => {
    const dispatch = hashsearch.dispatch!({ params, inputs: {} }, adapter);
    const maxHits = hashsearchMaxHits(params.nonceCount, params.difficulty);
    expect(hashsearchHitsBytes(maxHits)).toBe(8 + 8 * HASHSEARCH_RINGERS + 8 * maxHits);
    expect(dispatch.buffers[1]).toEqual({ usage: 'readwrite', size: hashsearchHitsBytes(maxHits) });
    expect(dispatch.readback).toEqual({ buffer: 1, bytes: hashsearchHitsBytes(maxHits) });
    const uniform = dispatch.buffers[0];
    expect(uniform?.usage === 'uniform' && u32s(uniform.data)[46]).toBe(maxHits);
    expect(dispatch.entryPoint).toBe('search_nonces');
    expect(dispatch.constants).toEqual({ WORKGROUP_SIZE: 64 });
  });

  it('splits nonceStart into two u32 so ranges may cross 2^32', () => {
    const dispatch = hashsearchDispatch({ params, inputs: {} }, adapter, 10);
    const uniform = dispatch.buffers[0]!;
    expect(uniform.usage === 'uniform' && u32s(uniform.data).slice(40, 43)).toEqual([
      4294967000,
      0,
      2 ** 20 - 1,
    ]);
  });

  it('bounds the workgroup count by the adapter limit (the shader loops over the rest)', () => {
    expect(hashsearchWorkgroups(1, 65535)).toEqual([1, 1, 1]);
    expect(hashsearchWorkgroups(2 ** 20, 65535)).toEqual([4096, 1, 1]);
    expect(hashsearchWorkgroups(2 ** 32, 65535)).toEqual([65535, 1, 1]);
    expect(hashsearchWorkgroups(2 ** 20, 1000)).toEqual([1000, 1, 1]);
  });
});

describe('finishHashsearch', () => {
  const R = HASHSEARCH_RINGERS;
  const ringerSlots = Array.from({ length: R }, (_, j) => 1000n + BigInt(j));

  /** A hits buffer as the shader leaves it: count, found mask, ringer slots, then matches. */
  function readback(
    count: number,
    nonces: bigint[],
    capacity = nonces.length,
    found = 2 ** R - 1,
  ): Uint8Array {
    const bytes = new Uint8Array(hashsearchHitsBytes(capacity));
    const view = new DataView(bytes.buffer);
    view.setUint32(0, count, true);
    view.setUint32(4, found, true);
    for (const [j, nonce] of ringerSlots.entries()) view.setBigUint64(8 + 8 * j, nonce, true);
    for (const [i, nonce] of nonces.entries()) view.setBigUint64(8 + 8 * R + 8 * i, nonce, true);
    return bytes;
  }

  function u64s(bytes: Uint8Array): bigint[] {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(8 * i, true));
  }

  it('sorts the found nonces and appends the ringer slots in ringer order, like the CPU reference', () => {
    const found = [2n ** 32n + 3n, 7n, 2n ** 32n - 1n, 2n ** 63n + 1n];
    const result = finishHashsearch(readback(4, found, 6), 6, R);
    expect(u64s(result)).toEqual([7n, 2n ** 32n - 1n, 2n ** 32n + 3n, 2n ** 63n + 1n, ...ringerSlots]);
  });

  it('returns only the ringer slots when nothing matched, ignoring stale match slots', () => {
    expect(u64s(finishHashsearch(readback(0, [5n, 6n]), 2, R))).toEqual(ringerSlots);
  });

  it('refuses more matches than the cap: the server would reject the result', () => {
    expect(() => finishHashsearch(readback(3, [1n, 2n]), 2, R)).toThrow(/at most 2/);
  });

  it('refuses a result with a ringer not found: its digest is not in the range', () => {
    expect(() => finishHashsearch(readback(0, [], 1, 2 ** R - 1 - 2 ** 5), 1, R)).toThrow(/ringer 5/);
  });

  it('matches the reference on a real shard when fed the reference hits in any order', () => {
    const shard = hashsearchShard(
      { prefix: 'ff'.repeat(61), difficulty: 5, nonceStart: String(2 ** 32 - 300), nonceCount: 600 },
      createPrng([5, 6, 7, 8]),
    );
    const expected = hashsearch.reference(shard);
    const all = u64s(expected);
    const hits = all.slice(0, all.length - R).reverse();
    expect(hits.some((nonce) => nonce >= 2n ** 32n) && hits.some((nonce) => nonce < 2n ** 32n)).toBe(true);
    const dispatch = hashsearch.dispatch!(shard, adapter);
    const maxHits = hashsearchMaxHits(600, 5);
    const bytes = readback(hits.length, hits, maxHits);
    const view = new DataView(bytes.buffer);
    for (const [j, nonce] of shard.secret.ringerNonces.entries())
      view.setBigUint64(8 + 8 * j, BigInt(nonce), true);
    expect(dispatch.finish(bytes)).toEqual(expected);
  });
});

describe('sha256DigestDispatch', () => {
  it('runs the digest entry point over a prefix and the last 8 bytes as the nonce', () => {
    const input = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    const dispatch = sha256DigestDispatch(input);
    expect(dispatch.entryPoint).toBe('digest');
    expect(dispatch.workgroups).toEqual([1, 1, 1]);
    const uniform = dispatch.buffers[0]!;
    if (uniform.usage !== 'uniform') throw new Error('uniform expected');
    const words = u32s(uniform.data);
    expect(bytesToHex(modelHash(uniform.data, words[40]!, words[41]!))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('finish turns the state words into the big-endian digest', () => {
    const dispatch = sha256DigestDispatch(new Uint8Array(8));
    const readback = new Uint8Array(hashsearchHitsBytes(4));
    const view = new DataView(readback.buffer);
    // The digest lands where the matches start, after the header and the ringer slots.
    for (let i = 0; i < 8; i++)
      view.setUint32(8 + 8 * HASHSEARCH_RINGERS + 4 * i, 0x01020304 * (i + 1), true);
    const digest = dispatch.finish(readback);
    expect(bytesToHex(digest.subarray(0, 8))).toBe('0102030402040608');
  });

  it('takes 8 to 136 bytes', () => {
    expect(() => sha256DigestDispatch(new Uint8Array(7))).toThrow(RangeError);
    expect(() => sha256DigestDispatch(new Uint8Array(137))).toThrow(RangeError);
  });
});
