import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../hex';
import type { ShardSpec } from '../kernel';
import { cryptoU32, type U32Source, uniformIndex } from '../prng';
import { HASHSEARCH_RINGERS, type HashsearchShardParams } from './hashsearch-params';
import { NonceHasher } from './nonce-hasher';

/**
 * Hidden known answers for hashsearch (Golle & Mironov, "Uncheatable Distributed Computations",
 * CT-RSA 2001): the server picks secret nonces in a shard's range and sends only their digests;
 * an honest search hashes every nonce anyway, so it finds them for free, while a search that
 * skipped part of the range cannot name the nonces it did not hash.
 */

/** What the server keeps (`ShardSpec.secret`, never leased): the ringer nonces, in ringer order. */
export const hashsearchSecretSchema = z.strictObject({
  ringerNonces: z.array(z.string().regex(/^\d{1,20}$/)).length(HASHSEARCH_RINGERS),
});

export type HashsearchSecret = z.infer<typeof hashsearchSecretSchema>;

/**
 * Picks `HASHSEARCH_RINGERS` nonces independently and uniformly in `[nonceStart, nonceStart +
 * nonceCount)` (so a short shard may repeat one) and returns their digests for the shard params
 * and the nonces for the secret. Independent draws make the miss probability exactly (1 − f)^r.
 * `random` is WebCrypto unless a test seeds it.
 */
export function plantRingers(
  range: { prefix: string; nonceStart: string; nonceCount: number },
  random: U32Source = cryptoU32(),
): { ringers: string[]; secret: HashsearchSecret } {
  const hasher = new NonceHasher(hexToBytes(range.prefix));
  const start = BigInt(range.nonceStart);
  const ringers: string[] = [];
  const ringerNonces: string[] = [];
  for (let i = 0; i < HASHSEARCH_RINGERS; i++) {
    const nonce = start + BigInt(uniformIndex(random, range.nonceCount));
    ringers.push(digestHex(hasher.digest(Number(nonce & 0xffff_ffffn), Number(nonce >> 32n))));
    ringerNonces.push(nonce.toString());
  }
  return { ringers, secret: { ringerNonces } };
}

/**
 * A shard over `range` with freshly planted ringers, its secret beside it: what `split` makes for
 * each range, and how tests, the lab and benchmarks get a runnable shard.
 */
export function hashsearchShard(
  range: Omit<HashsearchShardParams, 'ringers'>,
  random?: U32Source,
): ShardSpec<HashsearchShardParams> & { secret: HashsearchSecret } {
  const { prefix, difficulty, nonceStart, nonceCount } = range;
  const { ringers, secret } = plantRingers(range, random);
  return { params: { prefix, difficulty, nonceStart, nonceCount, ringers }, inputs: {}, secret };
}

/** Hex of a digest given as 8 big-endian words. */
export function digestHex(words: ArrayLike<number>): string {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(4 * i, words[i]!);
  return bytesToHex(bytes);
}

/** Ringer digests as 8 big-endian words each, concatenated: how the reference and the GPU compare. */
export function ringerWords(ringers: readonly string[]): Uint32Array {
  const words = new Uint32Array(8 * ringers.length);
  for (const [j, ringer] of ringers.entries()) {
    const view = new DataView(hexToBytes(ringer).buffer);
    for (let i = 0; i < 8; i++) words[8 * j + i] = view.getUint32(4 * i);
  }
  return words;
}

/** Whether digest `state` (8 big-endian words) is ringer `j` of `words`. */
export function isRinger(state: ArrayLike<number>, words: Uint32Array, j: number): boolean {
  for (let i = 0; i < 8; i++) if (state[i] !== words[8 * j + i]) return false;
  return true;
}

/**
 * The chance that a search which skipped a fraction `skipped` of its range (whichever part,
 * chosen without knowing the ringer nonces) still finds every ringer: (1 − f)^r.
 */
export function ringerMissProbability(skipped: number, ringers = HASHSEARCH_RINGERS): number {
  return (1 - skipped) ** ringers;
}
