import { z } from 'zod';
import { boundedInteger } from '../bounded-integer';

/**
 * Limits of the `onnx` kernel. The model travels to every volunteer once (then it is cached by
 * its SHA-256), so its size bounds the first download of each volunteer.
 */
/** Largest model file: 16 MiB (a few-million-parameter float32 model). */
export const ONNX_MAX_MODEL_BYTES = 16 * 1024 * 1024;
/** Largest array file (each of x, x2, …): 64 MiB, as for matmul. */
export const ONNX_MAX_INPUT_BYTES = 64 * 1024 * 1024;
/** Rows (the batch axis) per job. */
export const ONNX_MAX_ROWS = 1_000_000;
/** Largest slice of one array a shard carries; bounds a volunteer's per-shard download. */
export const ONNX_MAX_SHARD_INPUT_BYTES = 8 * 1024 * 1024;
/** Largest shard result (output rows × elements × 4). */
export const ONNX_MAX_SHARD_RESULT_BYTES = 16 * 1024 * 1024;
/** Elements per output row. */
export const ONNX_MAX_OUTPUT_ROW = 1 << 20;
/**
 * Default rows per shard, from the model's compute per row. Sampled verification re-runs ≤ 135 rows
 * whatever the shard's size (onnx-sampling.ts) and pays a fixed ≈ 1 ms per check (one session
 * call), so a shard needs both enough rows and enough compute for the two to stay within 10 % of
 * the useful work: about 2^31 FLOP, as the next power of two of rows, between 2,048 and 16,384. The
 * bench's classifier (0.67 MFLOP per row) gets 4,096 rows, the smaller example (0.17 MFLOP) 16,384,
 * a heavy model the 2,048-row floor. Rows larger than 4 KiB get fewer rows per shard (bounded by
 * `ONNX_MAX_SHARD_INPUT_BYTES`), and verification then costs a larger share.
 */
export function defaultOnnxRowsPerShard(flopsPerRow: number): number {
  const rows = 2 ** Math.ceil(Math.log2(2 ** 31 / Math.max(1, flopsPerRow)));
  return Math.min(16_384, Math.max(2_048, rows));
}

export const ONNX_MAX_SHARDS = 10_000;
/** Model inputs fed from files x, x2, x3, x4, in the model's input order. */
export const ONNX_INPUT_FILES = ['x', 'x2', 'x3', 'x4'] as const;
/**
 * Default tolerance: a row agrees when every element satisfies |a − b| ≤ atol + rtol · max|ref row|.
 * Calibrated on the example model (docs/kernels.md): WebGPU on SwiftShader and WebAssembly differ
 * from onnxruntime-node by at most ~1e-6 of the row scale, so 1e-3 is a > 100× margin for models
 * with more rounding (deeper nets, fp16 on real GPUs) while a changed row is still far outside.
 */
export const ONNX_DEFAULT_RTOL = 1e-3;
export const ONNX_DEFAULT_ATOL = 1e-5;

const tolerance = (name: string, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .min(0, `${name} must be at least 0`)
    .max(max, `${name} must be at most ${max}: a looser tolerance would accept wrong rows`);

export const onnxJobParamsSchema = z.strictObject(
  {
    rowsPerShard: boundedInteger('rowsPerShard', 1, 65_536).optional(),
    output: z
      .string({ error: 'output must be the name of one of the model outputs' })
      .min(1)
      .max(256)
      .optional(),
    rtol: tolerance('rtol', 0.1).optional(),
    atol: tolerance('atol', 1).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: onnx takes rowsPerShard, output, rtol, atol`
        : 'params must be an object {rowsPerShard?, output?, rtol?, atol?} ({} is fine)',
  },
);
export type OnnxJobParams = z.infer<typeof onnxJobParamsSchema>;

const dims = z.array(boundedInteger('dimension', 1, ONNX_MAX_OUTPUT_ROW)).max(8);

/**
 * A shard: rows [row0, row0 + rows) of the job's arrays. `feeds` maps each model input to the
 * shard input carrying its rows (raw f32 LE, C order) and the shape of one row; `output` names
 * the model output returned and the shape of one of its rows.
 */
export const onnxShardParamsSchema = z
  .strictObject({
    /**
     * SHA-256 (hex) of the shard's `model` input, computed once at split: the key under which the
     * worker and the verifier cache the model's session, so no shard re-hashes megabytes.
     */
    modelSha256: z.string().regex(/^[0-9a-f]{64}$/, 'modelSha256 must be 64 lower-case hex digits'),
    row0: boundedInteger('row0', 0, ONNX_MAX_ROWS - 1),
    rows: boundedInteger('rows', 1, 65_536),
    feeds: z
      .array(z.strictObject({ file: z.enum(ONNX_INPUT_FILES), name: z.string().max(256), dims }))
      .min(1)
      .max(ONNX_INPUT_FILES.length),
    output: z.strictObject({ name: z.string().max(256), dims }),
    rtol: tolerance('rtol', 0.1),
    atol: tolerance('atol', 1),
    /** Floating-point operations per row (2 per weight): the credit basis. */
    flopsPerRow: z.number().positive().max(1e15),
  })
  .superRefine((params, ctx) => {
    if (params.row0 + params.rows > ONNX_MAX_ROWS) {
      ctx.addIssue({
        code: 'custom',
        path: ['rows'],
        message: `row0 + rows must not exceed ${ONNX_MAX_ROWS}`,
      });
    }
    const outputElements = rowElements(params.output.dims);
    if (
      outputElements > ONNX_MAX_OUTPUT_ROW ||
      outputElements * params.rows * 4 > ONNX_MAX_SHARD_RESULT_BYTES
    ) {
      ctx.addIssue({ code: 'custom', path: ['output'], message: 'the shard result would be too large' });
    }
  });
export type OnnxShardParams = z.infer<typeof onnxShardParamsSchema>;

/** Elements in one row of the given per-row shape. */
export function rowElements(rowDims: readonly number[]): number {
  return rowDims.reduce((product, dim) => product * dim, 1);
}
