/**
 * Row agreement within a tolerance. Runtimes round differently (WebGPU shaders, WebAssembly SIMD
 * and onnxruntime's CPU kernels sum in different orders, and some GPUs flush denormals or fuse
 * multiply-adds), so rows are compared with a tolerance scaled to the row:
 *
 *     |a_j − r_j| ≤ atol + rtol · max_k |r_k|   for every element j of the row,
 *
 * where r is the reference row. Scaling by the row's largest magnitude keeps logits (large) and
 * probabilities (small) alike comparable. Non-finite values agree only with the same value.
 */
export interface RowDifference {
  /** Largest |a_j − r_j| in the row (Infinity when a non-finite value differs). */
  maxError: number;
  /** The bound that row had to meet. */
  bound: number;
}

/** How row `row` of `a` compares with row `row` of `reference` (both `rowLength` long). */
export function compareRow(
  a: Float32Array,
  aRow: number,
  reference: Float32Array,
  refRow: number,
  rowLength: number,
  rtol: number,
  atol: number,
): RowDifference {
  const aOff = aRow * rowLength;
  const rOff = refRow * rowLength;
  let scale = 0;
  for (let j = 0; j < rowLength; j++) {
    const value = Math.abs(reference[rOff + j]!);
    if (Number.isFinite(value) && value > scale) scale = value;
  }
  const bound = atol + rtol * scale;
  let maxError = 0;
  for (let j = 0; j < rowLength; j++) {
    const x = a[aOff + j]!;
    const r = reference[rOff + j]!;
    if (!Number.isFinite(x) || !Number.isFinite(r)) {
      if (!Object.is(x, r) && !(Number.isNaN(x) && Number.isNaN(r))) return { maxError: Infinity, bound };
      continue;
    }
    const error = Math.abs(x - r);
    if (error > maxError) maxError = error;
  }
  return { maxError, bound };
}

/** Whether every row of `a` and `b` agrees (each taken in turn as the reference for the other). */
export function allRowsAgree(
  a: Float32Array,
  b: Float32Array,
  rowLength: number,
  rtol: number,
  atol: number,
): boolean {
  if (a.length !== b.length || rowLength <= 0 || a.length % rowLength !== 0) return false;
  const rows = a.length / rowLength;
  for (let row = 0; row < rows; row++) {
    const ab = compareRow(a, row, b, row, rowLength, rtol, atol);
    if (!(ab.maxError <= ab.bound)) return false;
    const ba = compareRow(b, row, a, row, rowLength, rtol, atol);
    if (!(ba.maxError <= ba.bound)) return false;
  }
  return true;
}
