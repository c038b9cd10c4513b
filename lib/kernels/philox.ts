/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * counter-based generator, so path i's random numbers are a pure function of (i, seed) and any
 * shard, replica or verifier reproduces them without replaying a stream. A line-by-line mirror of
 * `shaders/philox.wgsl` (WGSL has no u64, so both build the 64-bit product from 16-bit halves).
 */

/** Round multipliers and Weyl key increments (golden ratio, √3 − 1), as in Random123. */
export const PHILOX_CONSTANTS = {
  PHILOX_M0: 0xd2511f53,
  PHILOX_M1: 0xcd9e8d57,
  PHILOX_W0: 0x9e3779b9,
  PHILOX_W1: 0xbb67ae85,
} as const;
const { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } = PHILOX_CONSTANTS;

/** High 32 bits of the 64-bit product a·b of two u32 (what WGSL must do without u64). */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Philox4x32 with 10 rounds: four u32 of output for a 128-bit counter and a 64-bit key.
 *
 * @example philox4x32_10([0, 0, 0, 0], [0, 0]) // [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32_10(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  return [c0, c1, c2, c3];
}
