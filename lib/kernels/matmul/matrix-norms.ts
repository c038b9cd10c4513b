/**
 * Euclidean norms of the rows or columns of a row-major f32 matrix, accumulated in f64: the
 * operand scales from which the matmul checks derive their rounding tolerances.
 */
export function rowNorms(values: Float32Array, rows: number, cols: number): Float64Array {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) sum += values[j]! * values[j]!;
    norms[i] = Math.sqrt(sum);
  }
  return norms;
}

/** See `rowNorms`; columns are summed row by row so memory is read in order. */
export function columnNorms(values: Float32Array, rows: number, cols: number): Float64Array {
  const norms = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) norms[j] = norms[j]! + values[i * cols + j]! * values[i * cols + j]!;
  }
  for (let j = 0; j < cols; j++) norms[j] = Math.sqrt(norms[j]!);
  return norms;
}
