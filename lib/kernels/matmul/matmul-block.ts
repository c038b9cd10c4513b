import { f32FromLe } from '../f32-le';
import type { ShardSpec } from '../kernel';
import type { MatmulShardParams } from './matmul-params';

/** A matmul shard's operands, decoded: A's row block (rows×k) and B's column block (k×cols), row-major. */
export interface MatmulBlock {
  rows: number;
  cols: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
}

/**
 * Decodes a shard's `a` and `b` inputs, checking their sizes against its params, so the reference
 * and the verifier never index past a short blob. A mismatch is a bug or a tampered blob, not a
 * client error, hence `RangeError`.
 */
export function readMatmulBlock(shard: ShardSpec<MatmulShardParams>): MatmulBlock {
  const { rows, cols, k } = shard.params;
  const operand = (name: 'a' | 'b', shape: string, elements: number): Float32Array => {
    const bytes = shard.inputs[name];
    if (bytes === undefined) throw new RangeError(`matmul shard has no input "${name}"`);
    if (bytes.length !== elements * 4) {
      throw new RangeError(
        `matmul shard input "${name}" is ${bytes.length} bytes; ${shape} f32 needs ${elements * 4}`,
      );
    }
    return f32FromLe(bytes);
  };
  return {
    rows,
    cols,
    k,
    a: operand('a', `${rows}×${k}`, rows * k),
    b: operand('b', `${k}×${cols}`, k * cols),
  };
}
