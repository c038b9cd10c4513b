/**
 * xoshiro128** (Blackman & Vigna): a small, fast, seedable generator of uniform u32. Seedable so
 * tests are reproducible; the verifier seeds it from `randomSeed()` so a worker cannot predict the
 * Freivalds vectors (a predictable vector lets a cheater forge a result that passes).
 * Not for secrets: keys or tokens come from WebCrypto directly.
 */
export function createPrng(seed: ArrayLike<number>): () => number {
  let s0 = seed[0]! | 0;
  let s1 = seed[1]! | 0;
  let s2 = seed[2]! | 0;
  let s3 = seed[3]! | 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 0x9e3779b9;
  return () => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
}

/** 128 unpredictable bits from WebCrypto (a global in browsers, workers and Node ≥ 19). */
export function randomSeed(): Uint32Array {
  return globalThis.crypto.getRandomValues(new Uint32Array(4));
}

/** A source of uniform u32: `createPrng(seed)` in tests, `cryptoU32()` in verification. */
export type U32Source = () => number;

/**
 * Uniform u32 straight from WebCrypto, fetched 1 KiB at a time: what verification draws its
 * samples, vectors and ringers from, so none of them can be predicted from a lease or a result.
 */
export function cryptoU32(): U32Source {
  const buffer = new Uint32Array(256);
  let next = buffer.length;
  return () => {
    if (next === buffer.length) {
      globalThis.crypto.getRandomValues(buffer);
      next = 0;
    }
    return buffer[next++]!;
  };
}

/** A uniform integer in [0, n) for 1 ≤ n ≤ 2³², by rejection (no modulo bias). */
export function uniformIndex(random: U32Source, n: number): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32)) throw new RangeError(`cannot draw from [0, ${n})`);
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const x = random();
    if (x < limit) return x % n;
  }
}

/** A uniform f64 in [0, 1) with 53 random bits. */
export function uniformUnit(random: U32Source): number {
  return ((random() >>> 5) * 2 ** 26 + (random() >>> 6)) / 2 ** 53;
}
