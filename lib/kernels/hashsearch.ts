import { hashsearchDispatch, hashsearchWgsl } from './hashsearch-gpu';
import {
  type HashsearchJobParams,
  type HashsearchShardParams,
  hashsearchJobParamsSchema,
  hashsearchShardParamsSchema,
} from './hashsearch-params';
import { hexToBytes } from './hex';
import { type Kernel, KernelInputError, type ShardSpec } from './kernel';
import { NonceHasher } from './nonce-hasher';
import { parseParams } from './parse-params';
import { opsToWorkUnits } from './work-units';

/**
 * Nonces per shard. The CPU fallback hashes ≈ 1.5 M/s in a worker, so a 2^20 shard takes about a
 * second there and a few milliseconds on a GPU; smaller shards would be dominated by the lease
 * round trip, larger ones would keep CPU-only volunteers past their lease. The largest job
 * (2^32 nonces) becomes 4096 shards.
 */
export const HASHSEARCH_SHARD_NONCES = 2 ** 20;

/**
 * ≈ 32-bit integer operations per SHA-256 compression: 64 rounds of ~25 operations plus a
 * 48-word message schedule of ~10 each. Converts hashes into the shared work unit.
 */
const SHA256_COMPRESSION_OPS = 2000;

/**
 * The most matches a shard may report. Matches are Binomial(nonceCount, 2^-difficulty) with mean
 * μ; Bernstein's inequality puts the chance of an honest count above μ + 10·√μ + 16 below
 * e⁻²⁴ ≈ 4·10⁻¹¹ for every μ (and the true tail is far smaller), so the cap does not reject honest
 * results in practice, yet bounds the bytes and re-hashing a cheater can make the server do. A
 * fixed cap would not: at difficulty 1 half of all nonces match.
 */
export function hashsearchMaxHits(nonceCount: number, difficulty: number): number {
  const mean = nonceCount / 2 ** difficulty;
  return Math.min(nonceCount, Math.ceil(mean + 10 * Math.sqrt(mean) + 16));
}

function splitU64(nonce: bigint): [lo: number, hi: number] {
  return [Number(nonce & 0xffff_ffffn), Number(nonce >> 32n)];
}

function readNonces(result: Uint8Array): { lo: number; hi: number; value: bigint }[] {
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  const nonces = [];
  for (let offset = 0; offset + 8 <= result.length; offset += 8) {
    const lo = view.getUint32(offset, true);
    const hi = view.getUint32(offset + 4, true);
    nonces.push({ lo, hi, value: (BigInt(hi) << 32n) | BigInt(lo) });
  }
  return nonces;
}

/**
 * SHA-256 proof-of-work search: every nonce in a range whose sha256(prefix ‖ nonce as u64 LE) has
 * at least `difficulty` leading zero bits. A reported nonce is re-hashed on the server, but a
 * missing one cannot be noticed alone, so shards need a quorum (or planted known answers).
 */
export const hashsearch: Kernel<HashsearchJobParams, HashsearchShardParams> = {
  name: 'hashsearch',
  example: { params: { prefix: 'cafe', difficulty: 12, nonceStart: 0, nonceCount: 65536 } },
  description:
    'SHA-256 proof-of-work search: every nonce in a range whose sha256(prefix ‖ nonce as u64 LE) has ≥ difficulty leading zero bits',
  paramsSchema: hashsearchJobParamsSchema,
  shardParamsSchema: hashsearchShardParamsSchema,
  inputNames: [],
  shardInputNames: [],
  requiresWebGPU: false,

  split(job) {
    const params = parseParams(hashsearchJobParamsSchema, job.params);
    const extra = Object.keys(job.inputs)[0];
    if (extra !== undefined) {
      throw new KernelInputError(`inputs.${extra}`, 'hashsearch takes no input files: remove them');
    }
    const { prefix, difficulty } = params;
    const shards: ShardSpec<HashsearchShardParams>[] = [];
    let start = BigInt(params.nonceStart);
    for (let remaining = params.nonceCount; remaining > 0; ) {
      const nonceCount = Math.min(remaining, HASHSEARCH_SHARD_NONCES);
      shards.push({ params: { prefix, difficulty, nonceStart: start.toString(), nonceCount }, inputs: {} });
      start += BigInt(nonceCount);
      remaining -= nonceCount;
    }
    return shards;
  },

  resultSize: (params) => ({
    multipleOf: 8,
    max: 8 * hashsearchMaxHits(params.nonceCount, params.difficulty),
  }),

  reference(shard) {
    const { prefix, difficulty, nonceStart, nonceCount } = shard.params;
    const hasher = new NonceHasher(hexToBytes(prefix));
    let [lo, hi] = splitU64(BigInt(nonceStart));
    const hits: number[] = [];
    for (let i = 0; i < nonceCount; i++) {
      if (hasher.leadingZeroBits(lo, hi) >= difficulty) hits.push(lo, hi);
      lo++;
      if (lo === 2 ** 32) {
        lo = 0;
        hi++;
      }
    }
    const out = new Uint8Array(hits.length * 4);
    const view = new DataView(out.buffer);
    for (const [i, word] of hits.entries()) view.setUint32(4 * i, word, true);
    return out;
  },

  verify: {
    selfVerifying: false,
    check(shard, result) {
      const { prefix, difficulty, nonceStart, nonceCount } = shard.params;
      if (result.length % 8 !== 0)
        return { status: 'invalid', reason: `${result.length} bytes is not a list of u64 nonces` };
      const max = hashsearchMaxHits(nonceCount, difficulty);
      if (result.length / 8 > max) {
        return {
          status: 'invalid',
          reason: `${result.length / 8} matches reported; more than ${max} is not credible`,
        };
      }
      const start = BigInt(nonceStart);
      const end = start + BigInt(nonceCount);
      const hasher = new NonceHasher(hexToBytes(prefix));
      let previous = -1n;
      for (const [index, { lo, hi, value }] of readNonces(result).entries()) {
        if (value < start || value >= end) {
          return {
            status: 'invalid',
            reason: `nonce ${value} (#${index}) is outside the shard's range [${start}, ${end})`,
          };
        }
        if (value <= previous) {
          return {
            status: 'invalid',
            reason: `nonce ${value} (#${index}) does not follow ${previous}: nonces must be sorted and unique`,
          };
        }
        const zeros = hasher.leadingZeroBits(lo, hi);
        if (zeros < difficulty) {
          return {
            status: 'invalid',
            reason: `nonce ${value} (#${index}) hashes to ${zeros} leading zero bits; ${difficulty} needed`,
          };
        }
        previous = value;
      }
      return { status: 'plausible' };
    },
    compare: (_shard, a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]),
  },

  assemble(_job, results) {
    const nonces: bigint[] = [];
    for (const { result } of results) {
      if (result.length % 8 !== 0)
        throw new RangeError(`a shard result of ${result.length} bytes is not u64 nonces`);
      for (const { value } of readNonces(result)) nonces.push(value);
    }
    nonces.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const json = JSON.stringify({ nonces: nonces.map(String) });
    return {
      bytes: new TextEncoder().encode(json),
      contentType: 'application/json',
      filename: 'nonces.json',
    };
  },

  /**
   * One SHA-256 per nonce of ⌈(prefix + 8 + 9) / 64⌉ compressions (message, 0x80 marker and
   * length), in 10⁶-operation units, so hashing earns credit comparable with matmul's MFLOPs.
   */
  workUnits(params) {
    const compressions = Math.ceil((params.prefix.length / 2 + 8 + 9) / 64);
    return opsToWorkUnits(params.nonceCount * compressions * SHA256_COMPRESSION_OPS);
  },

  wgsl: hashsearchWgsl,
  /** The hits buffer holds `hashsearchMaxHits` nonces: the most the server accepts. */
  dispatch: (shard, adapter) =>
    hashsearchDispatch(shard, adapter, hashsearchMaxHits(shard.params.nonceCount, shard.params.difficulty)),
};
