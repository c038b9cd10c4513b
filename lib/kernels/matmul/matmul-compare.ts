import { f32DotErrorFactor, f32FlushSlack } from '../f32-error';
import type { MatmulBlock } from './matmul-block';
import { columnNorms, rowNorms } from './matrix-norms';

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
  const rowNormA = rowNorms(a, rows, k);
  const colNormB = columnNorms(b, k, cols);
  // (1 + 2⁻⁴⁰) absorbs the f64 rounding of the norms and of this bound itself.
  const factor = 2 * f32DotErrorFactor(k) * (1 + 2 ** -40);
  const slack = 2 * f32FlushSlack(k);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const u = x[i * cols + j]!;
      const v = y[i * cols + j]!;
      if (!Number.isFinite(u) || !Number.isFinite(v)) return false;
      if (!(Math.abs(u - v) <= factor * rowNormA[i]! * colNormB[j]! + slack)) return false;
    }
  }
  return true;
}
