import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './hex';

describe('hex', () => {
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = bytesToHex(all);
    expect(hex).toMatch(/^[0-9a-f]{512}$/);
    expect(hexToBytes(hex)).toEqual(all);
    expect(hexToBytes(hex.toUpperCase())).toEqual(all);
  });

  it('handles the empty string', () => {
    expect(bytesToHex(new Uint8Array())).toBe('');
    expect(hexToBytes('')).toEqual(new Uint8Array());
  });

  it('rejects odd length and non-hex characters', () => {
    expect(() => hexToBytes('abc')).toThrow(/odd length/);
    expect(() => hexToBytes('zz')).toThrow(/not a hex digit/);
    expect(() => hexToBytes('0x')).toThrow(/not a hex digit/);
    expect(() => hexToBytes('+1')).toThrow(/not a hex digit/);
  });
});
