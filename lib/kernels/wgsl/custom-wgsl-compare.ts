import type { WgslComparison } from './custom-wgsl-params';

/** Smallest normal float32: below it a GPU may flush to zero, so such values all count as equal. */
const F32_MIN_NORMAL = 2 ** -126;

/**
 * Whether two replicas' output buffers agree under the submitter's rule. `exact`: bit for bit.
 * `{tolerance}`: word by word, either the same bits or, read as float32, both NaN, both within
 * ±2⁻¹²⁶ of zero (subnormals may be flushed), or finite with |a − b| ≤ tolerance·max(|a|, |b|).
 * Infinities must match exactly.
 */
export function wgslOutputsAgree(comparison: WgslComparison, a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (comparison === 'exact') return a.every((byte, i) => byte === b[i]);
  if (a.length % 4 !== 0) return false;
  const { tolerance } = comparison;
  const x = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const y = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < a.length; i += 4) {
    if (x.getUint32(i, true) === y.getUint32(i, true)) continue;
    const p = x.getFloat32(i, true);
    const q = y.getFloat32(i, true);
    if (Number.isNaN(p) && Number.isNaN(q)) continue;
    if (Math.abs(p) < F32_MIN_NORMAL && Math.abs(q) < F32_MIN_NORMAL) continue;
    if (!Number.isFinite(p) || !Number.isFinite(q)) return false;
    if (Math.abs(p - q) > tolerance * Math.max(Math.abs(p), Math.abs(q))) return false;
  }
  return true;
}
