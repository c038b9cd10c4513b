/**
 * SHA-256 known answers from FIPS 180-4's example set (NIST CSRC "Examples with intermediate
 * values") that are long enough to be split into a prefix and a u64 nonce, the only shape the
 * hashsearch shader hashes. The 56-byte message needs two final blocks; the 112-byte one a midstate
 * and one final block, so both of the shader's paths are covered.
 */
export const SHA256_VECTORS: readonly { message: string; digest: string }[] = [
  {
    message: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    digest: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  {
    message:
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    digest: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  },
];
