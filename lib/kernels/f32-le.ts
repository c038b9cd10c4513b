/**
 * Raw little-endian f32 buffers, the format of matmul shard inputs and results. Typed arrays use
 * the platform's byte order, so the fast copy is taken only where that is little-endian (every
 * platform we know of); elsewhere a `DataView` keeps the wire format fixed.
 */
const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copies `bytes` (any alignment) into a fresh, aligned `Float32Array`. */
export function f32FromLe(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0)
    throw new RangeError(`${bytes.length} bytes is not a whole number of f32 values`);
  if (PLATFORM_IS_LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Copies `values` into fresh little-endian bytes. */
export function f32ToLe(values: Float32Array): Uint8Array {
  if (PLATFORM_IS_LITTLE_ENDIAN) {
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  }
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return out;
}
