const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex, the form digests and prefixes take in JSON and logs. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return out;
}

/**
 * Decodes hex (either case). Throws `RangeError` on odd length or a non-hex character, so callers
 * validate first (a zod regex) when the text comes from a client.
 */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError(`hex string has odd length ${hex.length}`);
  const bad = hex.search(/[^0-9a-fA-F]/);
  if (bad !== -1) throw new RangeError(`not a hex digit at offset ${bad}: "${hex[bad]}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
