import { describe, expect, it } from 'vitest';
import { bytesToHex } from './hex';
import { sha256 } from './sha256';

const ascii = (text: string) => new TextEncoder().encode(text);
const hexOf = (text: string) => bytesToHex(sha256(ascii(text)));

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hexOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hexOf('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(
      hexOf(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
    ).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
    expect(hexOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes one million "a"', () => {
    expect(bytesToHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with WebCrypto on every length 0..300 (all padding boundaries)', async () => {
    let seed = 12345;
    for (let length = 0; length <= 300; length++) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const oracle = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      expect(bytesToHex(sha256(bytes)), `length ${length}`).toBe(bytesToHex(oracle));
    }
  });

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const backing = ascii('xxabcxx');
    expect(bytesToHex(sha256(backing.subarray(2, 5)))).toBe(hexOf('abc'));
  });
});
