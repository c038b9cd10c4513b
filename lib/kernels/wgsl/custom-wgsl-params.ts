import { z } from 'zod';
import { boundedInteger } from '../bounded-integer';
import { checkWgslAbi, WGSL_MAX_INVOCATIONS, WGSL_MAX_WORKGROUP_SIZE } from './custom-wgsl-abi';

/** Shader source, in UTF-8 bytes. */
export const WGSL_MAX_CODE_BYTES = 64 * 1024;
/** WebGPU's guaranteed `maxComputeWorkgroupsPerDimension`. */
export const WGSL_MAX_WORKGROUPS_PER_DIMENSION = 65_535;
/** Workgroups per dispatch, so one shard stays a bounded amount of work. */
export const WGSL_MAX_WORKGROUPS = 2 ** 20;
/** One shard's output buffer. */
export const WGSL_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** The job output, every shard's buffer concatenated: the most one result may be (as for matmul). */
export const WGSL_MAX_TOTAL_OUTPUT_BYTES = 64 * 1024 * 1024;
/** The `input` file (padded to a multiple of 4 bytes). */
export const WGSL_MAX_INPUT_BYTES = 64 * 1024 * 1024;
export const WGSL_MAX_SHARDS = 1024;

const workgroupCount = (axis: string) =>
  boundedInteger(`workgroups ${axis}`, 1, WGSL_MAX_WORKGROUPS_PER_DIMENSION);

const workgroups = z
  .tuple([workgroupCount('x'), workgroupCount('y'), workgroupCount('z')], {
    error: 'workgroups must be [x, y, z], three whole numbers from 1 to 65535',
  })
  .refine(
    ([x, y, z]) => x * y * z <= WGSL_MAX_WORKGROUPS,
    `workgroups x·y·z must be at most ${WGSL_MAX_WORKGROUPS} (2^20) per dispatch: use more shards`,
  );

const outputBytes = boundedInteger('outputBytes', 4, WGSL_MAX_OUTPUT_BYTES).refine(
  (bytes) => bytes % 4 === 0,
  'outputBytes must be a multiple of 4 (the output is array<u32>)',
);

/** How replicas' outputs must agree: bit for bit, or as f32 within a relative tolerance. */
export const wgslComparisonSchema = z.union(
  [
    z.literal('exact'),
    z.strictObject({
      tolerance: z
        .number({ error: 'comparison.tolerance must be a number, e.g. 1e-5' })
        .gt(0, 'comparison.tolerance must be greater than 0')
        .max(1, 'comparison.tolerance must be at most 1 (a relative tolerance)'),
    }),
  ],
  { error: 'comparison must be "exact" or {"tolerance": relative f32 tolerance}' },
);

export type WgslComparison = z.infer<typeof wgslComparisonSchema>;

/**
 * Job params: the submitter's WGSL (checked against the ABI here, so a refused shader never gets
 * stored), its dispatch size, the output buffer size, how many times to run it (each run sees its
 * own `shardIndex`), and how replicas must agree. The optional `input` file is the job's input.
 */
export const wgslJobParamsSchema = z
  .strictObject(
    {
      code: z
        .string({ error: 'code must be the WGSL source as a string' })
        .min(1, 'code must not be empty')
        .refine((code) => new TextEncoder().encode(code).length <= WGSL_MAX_CODE_BYTES, {
          message: `code must be at most ${WGSL_MAX_CODE_BYTES} bytes (64 KiB) of UTF-8`,
          // Never parse an oversized shader.
          abort: true,
        })
        .superRefine((code, ctx) => {
          const abi = checkWgslAbi(code);
          if ('error' in abi) ctx.addIssue({ code: 'custom', message: abi.error });
        }),
      workgroups,
      outputBytes,
      shards: boundedInteger('shards', 1, WGSL_MAX_SHARDS).default(1),
      comparison: wgslComparisonSchema.default('exact'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: wgsl takes code, workgroups, outputBytes, shards, comparison`
          : 'params must be an object {code, workgroups, outputBytes, shards?, comparison?}',
    },
  )
  .superRefine((params, ctx) => {
    const total = params.shards * params.outputBytes;
    if (total > WGSL_MAX_TOTAL_OUTPUT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['outputBytes'],
        message: `shards × outputBytes = ${total} bytes of output; at most ${WGSL_MAX_TOTAL_OUTPUT_BYTES} (64 MiB) are allowed`,
      });
    }
  });

export type WgslJobParams = z.infer<typeof wgslJobParamsSchema>;

/**
 * Shard params: run number `shardIndex` of `shardCount`, the dispatch, main's workgroup size
 * (read from the code at submission, for credit), the input's length before padding and the
 * output size. The code and input travel as the shard's inputs `code` and `input`.
 */
export const wgslShardParamsSchema = z
  .strictObject({
    shardIndex: boundedInteger('shardIndex', 0, WGSL_MAX_SHARDS - 1),
    shardCount: boundedInteger('shardCount', 1, WGSL_MAX_SHARDS),
    workgroups,
    workgroupSize: z.tuple([
      boundedInteger('workgroupSize x', 1, WGSL_MAX_WORKGROUP_SIZE[0]),
      boundedInteger('workgroupSize y', 1, WGSL_MAX_WORKGROUP_SIZE[1]),
      boundedInteger('workgroupSize z', 1, WGSL_MAX_WORKGROUP_SIZE[2]),
    ]),
    inputBytes: boundedInteger('inputBytes', 0, WGSL_MAX_INPUT_BYTES),
    outputBytes,
    comparison: wgslComparisonSchema,
  })
  .superRefine((params, ctx) => {
    if (params.shardIndex >= params.shardCount) {
      ctx.addIssue({ code: 'custom', path: ['shardIndex'], message: 'shardIndex must be below shardCount' });
    }
    const [x, y, z] = params.workgroupSize;
    if (x * y * z > WGSL_MAX_INVOCATIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['workgroupSize'],
        message: `workgroupSize may have at most ${WGSL_MAX_INVOCATIONS} invocations`,
      });
    }
  });

export type WgslShardParams = z.infer<typeof wgslShardParamsSchema>;
