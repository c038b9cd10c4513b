/** `0x1234…abcd`: enough to recognise an address or hash, short enough for a phone. */
export function shortHex(hex: string): string {
  return hex.length > 12 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex;
}
