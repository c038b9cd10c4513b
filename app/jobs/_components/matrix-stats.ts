/** Summary statistics of a result matrix, accumulated in f64 so large matrices stay accurate. */
export interface MatrixStats {
  rows: number;
  cols: number;
  min: number;
  max: number;
  mean: number;
  /** Frobenius norm √(Σ cᵢⱼ²). */
  frobenius: number;
}

/** Min, max, mean and Frobenius norm of a row-major matrix (empty matrices give zeros). */
export function matrixStats(data: Float32Array, rows: number, cols: number): MatrixStats {
  if (data.length === 0) return { rows, cols, min: 0, max: 0, mean: 0, frobenius: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let squares = 0;
  for (const value of data) {
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    squares += value * value;
  }
  return { rows, cols, min, max, mean: sum / data.length, frobenius: Math.sqrt(squares) };
}
