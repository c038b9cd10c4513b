import { describe, expect, it } from 'vitest';
import { NonceHasher } from './nonce-hasher';

function leadingZeroBits(digest: Uint8Array): number {
  let zeros = 0;
  for (const byte of digest) {
    if (byte === 0) {
      zeros += 8;
      continue;
    }
    return zeros + Math.clz32(byte) - 24;
  }
  return zeros;
}

/** The independent oracle: WebCrypto (OpenSSL under Node), async, hence too slow for the kernel itself. */
async function expected(prefix: Uint8Array, nonce: bigint): Promise<number> {
  const message = new Uint8Array(prefix.length + 8);
  message.set(prefix);
  new DataView(message.buffer).setBigUint64(prefix.length, nonce, true);
  return leadingZeroBits(new Uint8Array(await crypto.subtle.digest('SHA-256', message)));
}

describe('NonceHasher', () => {
  it('matches WebCrypto for every prefix length across the block boundaries', async () => {
    const nonces = [0n, 1n, 255n, 256n, 0xffffffffn, 0x1_0000_0000n, 0x1234_5678_9abc_def0n, 2n ** 64n - 1n];
    for (let length = 0; length <= 140; length++) {
      const prefix = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      const hasher = new NonceHasher(prefix);
      for (const nonce of nonces) {
        const got = hasher.leadingZeroBits(Number(nonce & 0xffffffffn), Number(nonce >> 32n));
        expect(got, `prefix length ${length}, nonce ${nonce}`).toBe(await expected(prefix, nonce));
      }
    }
  });

  it('gives the same answer whatever nonces were hashed before', () => {
    const prefix = new Uint8Array(70).fill(7);
    const fresh = (nonce: number) => new NonceHasher(prefix).leadingZeroBits(nonce, 0);
    const reused = new NonceHasher(prefix);
    for (const nonce of [9, 3, 9, 0, 12345, 3]) expect(reused.leadingZeroBits(nonce, 0)).toBe(fresh(nonce));
  });
});
