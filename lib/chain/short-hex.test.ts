import { describe, expect, it } from 'vitest';
import { shortHex } from './short-hex';

describe('shortHex', () => {
  it('keeps the first 4 and last 4 hex digits', () => {
    expect(shortHex('0xabcdef0000000000000000000000000000001234')).toBe('0xabcd…1234');
  });

  it('leaves short values alone', () => {
    expect(shortHex('0x1234')).toBe('0x1234');
  });
});
