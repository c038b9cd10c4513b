import { f32DotErrorFactor, f32FlushSlack } from './f32-error';
import type { MatmulBlock } from './matmul-block';

/**
 * Whether two results of the same matmul shard agree element by element. Each honest element is
 * within γ_k·(|A||B|)ᵢⱼ ≤ γ_k·‖Aᵢ‖₂·‖B·ⱼ‖₂ of the exact value (Cauchy–Schwarz makes the bound
 * computable in O(rows·k + k·cols)), so two honest results, summed in any orders, differ by at
 * most twice that. Relative to the operands' magnitudes, not the result's, so it never fails on
 * cancellation; non-finite values never agree.
 */
export function matmulResultsAgree(block: MatmulBlock, x: Float32Array, y: Float32Array): boolean {
  const { rows, cols, k, a, b } = block;
  if (x.length !== rows * cols || y.length !== rows * cols) return false;
  const rowNormA = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let l = i * k; l < (i + 1) * k; l++) sum += a[l]! * a[l]!;
    rowNormA[i] = Math.sqrt(sum);
  }
  const colNormB = new Float64Array(cols);
  for (let l = 0; l < k; l++) {
    for (let j = 0; j < cols; j++) colNormB[j] = colNormB[j]! + b[l * cols + j]! * b[l * cols + j]!;
  }
  for (let j = 0; j < cols; j++) colNormB[j] = Math.sqrt(colNormB[j]!);
  const factor = 2 * f32DotErrorFactor(k) * (1 + 2 ** -40);
  const slack = 2 * f32FlushSlack(k);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const xi = x[i * cols + j]!;
      const yi = y[i * cols + j]!;
      if (!Number.isFinite(xi) || !Number.isFinite(yi)) return false;
      if (!(Math.abs(xi - yi) <= factor * rowNormA[i]! * colNormB[j]! + slack)) return false;
    }
  }
  return true;
}
