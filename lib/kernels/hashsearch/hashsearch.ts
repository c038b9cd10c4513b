import { hexToBytes } from '../hex';
import { type Kernel, KernelInputError, type ShardSpec } from '../kernel';
import { parseParams } from '../parse-params';
import { opsToWorkUnits } from '../work-units';
import { hashsearchDispatch, hashsearchWgsl } from './hashsearch-gpu';
import {
  type HashsearchJobParams,
  type HashsearchShardParams,
  hashsearchJobParamsSchema,
  hashsearchShardParamsSchema,
} from './hashsearch-params';
import { hashsearchSecretSchema, hashsearchShard, isRinger, ringerWords } from './hashsearch-ringers';
import { digestLeadingZeroBits, NonceHasher } from './nonce-hasher';

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

/** The ringer slots at the end of a result: `ringers.length` nonces of 8 bytes. */
function ringerBytes(params: HashsearchShardParams): number {
  return 8 * params.ringers.length;
}

/**
 * The CPU search behind `reference`: hashes every nonce of the shard once, collecting the matches
 * in order (as lo, hi word pairs) and the nonce behind each ringer digest.
 */
function search(params: HashsearchShardParams): { matches: number[]; ringerSlots: (bigint | null)[] } {
  const { prefix, difficulty, nonceStart, nonceCount, ringers } = params;
  const hasher = new NonceHasher(hexToBytes(prefix));
  const words = ringerWords(ringers);
  const firstWords = Uint32Array.from(ringers, (_, j) => words[8 * j]!);
  const ringerSlots: (bigint | null)[] = ringers.map(() => null);
  let [lo, hi] = splitU64(BigInt(nonceStart));
  const matches: number[] = [];
  for (let i = 0; i < nonceCount; i++) {
    const state = hasher.digest(lo, hi);
    if (digestLeadingZeroBits(state) >= difficulty) matches.push(lo, hi);
    const first = state[0]!;
    for (let j = 0; j < firstWords.length; j++) {
      if (firstWords[j] === first && isRinger(state, words, j))
        ringerSlots[j] = (BigInt(hi) << 32n) | BigInt(lo);
    }
    lo++;
    if (lo === 2 ** 32) {
      lo = 0;
      hi++;
    }
  }
  return { matches, ringerSlots };
}

/**
 * SHA-256 proof-of-work search: every nonce in a range whose sha256(prefix ‖ nonce as u64 LE) has
 * at least `difficulty` leading zero bits. Each shard carries hidden ringers (digests of secret
 * nonces in its range, see `hashsearch-ringers.ts`) that the result must name beside the matches,
 * so one replica proves the range was searched (up to the ringer bound) and every reported nonce
 * is re-hashed on the server.
 *
 * Result: the matches sorted ascending as u64 LE, then one u64 LE per ringer, in ringer order:
 * the nonce whose digest is that ringer.
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
      shards.push(hashsearchShard({ prefix, difficulty, nonceStart: start.toString(), nonceCount }));
      start += BigInt(nonceCount);
      remaining -= nonceCount;
    }
    return shards;
  },

  resultSize: (params) => ({
    multipleOf: 8,
    max: 8 * hashsearchMaxHits(params.nonceCount, params.difficulty) + ringerBytes(params),
  }),

  /** Throws `RangeError` when a ringer is not the digest of any nonce in the range (a bad lease). */
  reference(shard) {
    const { matches, ringerSlots } = search(shard.params);
    const missing = ringerSlots.indexOf(null);
    if (missing !== -1) {
      throw new RangeError(`ringer ${missing} is not the digest of any nonce in the shard's range`);
    }
    const out = new Uint8Array(matches.length * 4 + ringerBytes(shard.params));
    const view = new DataView(out.buffer);
    for (const [i, word] of matches.entries()) view.setUint32(4 * i, word, true);
    for (const [j, nonce] of ringerSlots.entries())
      view.setBigUint64(4 * matches.length + 8 * j, nonce!, true);
    return out;
  },

  verify: {
    selfVerifying: true,
    check(shard, result) {
      const { prefix, difficulty, nonceStart, nonceCount, ringers } = shard.params;
      if (result.length % 8 !== 0)
        return { status: 'invalid', reason: `${result.length} bytes is not a list of u64 nonces` };
      const total = result.length / 8;
      if (total < ringers.length) {
        return {
          status: 'invalid',
          reason: `${total} nonces reported; a result ends with the ${ringers.length} ringer nonces, so ringers are missing`,
        };
      }
      const matchCount = total - ringers.length;
      const max = hashsearchMaxHits(nonceCount, difficulty);
      if (matchCount > max) {
        return {
          status: 'invalid',
          reason: `${matchCount} matches reported; more than ${max} is not credible`,
        };
      }
      // A malformed secret is the server's bug, not the volunteer's: throw rather than reject.
      const secret = shard.secret == null ? null : hashsearchSecretSchema.parse(shard.secret);
      const start = BigInt(nonceStart);
      const end = start + BigInt(nonceCount);
      const hasher = new NonceHasher(hexToBytes(prefix));
      const words = ringerWords(ringers);
      const nonces = readNonces(result);
      for (const [j, { lo, hi, value }] of nonces.slice(matchCount).entries()) {
        // The secret says which nonce it must be; re-hashing proves it even without the secret.
        const expected = secret?.ringerNonces[j];
        if (value < start || value >= end || (expected !== undefined && value !== BigInt(expected))) {
          return {
            status: 'invalid',
            reason: `ringer ${j} not found: the search skipped part of its range (reported ${value})`,
          };
        }
        if (!isRinger(hasher.digest(lo, hi), words, j)) {
          return { status: 'invalid', reason: `ringer ${j}: nonce ${value} does not hash to it` };
        }
      }
      let previous = -1n;
      for (const [index, { lo, hi, value }] of nonces.slice(0, matchCount).entries()) {
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
      return { status: 'valid' };
    },
    compare: (_shard, a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]),
  },

  /** Only the matches: each result's trailing ringer nonces never reach the job output. */
  assemble(_job, results) {
    const nonces: bigint[] = [];
    for (const { params, result } of results) {
      if (result.length % 8 !== 0 || result.length < ringerBytes(params))
        throw new RangeError(`a shard result of ${result.length} bytes is not u64 nonces and ringers`);
      for (const { value } of readNonces(result.subarray(0, result.length - ringerBytes(params))))
        nonces.push(value);
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
  /** The hits buffer holds the ringer slots and `hashsearchMaxHits` matches: the most the server accepts. */
  dispatch: (shard, adapter) =>
    hashsearchDispatch(shard, adapter, hashsearchMaxHits(shard.params.nonceCount, shard.params.difficulty)),
};
