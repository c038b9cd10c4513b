import { z } from 'zod';
import type { AnyKernel, ShardSpec } from '@/lib/kernels/kernel';
import { getKernel, kernelNames } from '@/lib/kernels/registry';
import { InvalidShardError } from './compute-errors';

const runRequestSchema = z.object({
  kernel: z.string({ error: 'kernel must be a kernel name' }),
  params: z.unknown(),
  inputs: z.record(z.string(), z.instanceof(Uint8Array, { error: 'each input must be a Uint8Array' }), {
    error: 'inputs must be an object of named Uint8Arrays',
  }),
});

/**
 * Checks a run request the way the coordinator checks an upload: a lease is untrusted input to
 * the worker too (a compromised or buggy coordinator, a tampered blob cache). The kernel must
 * exist, its params must pass the kernel's `shardParamsSchema`, and the inputs must be exactly the
 * ones its shards carry (`shardInputNames`). Sizes against params are checked by the kernel's `dispatch`/`reference`.
 */
export function parseRunRequest(request: unknown): { kernel: AnyKernel; shard: ShardSpec<unknown> } {
  const parsed = runRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new InvalidShardError(`bad run request: ${formatIssues(parsed.error)}`);
  }
  const { kernel: name, params, inputs } = parsed.data;
  const kernel = getKernel(name);
  if (!kernel) {
    throw new InvalidShardError(
      `unknown kernel ${JSON.stringify(name)}: this worker runs ${kernelNames.join(', ')}`,
    );
  }
  const shardParams = kernel.shardParamsSchema.safeParse(params);
  if (!shardParams.success) {
    throw new InvalidShardError(`${name} shard params are invalid: ${formatIssues(shardParams.error)}`);
  }
  const expected = kernel.shardInputNames;
  const optional = kernel.optionalShardInputNames ?? [];
  const missing = expected.filter((input) => !Object.hasOwn(inputs, input) && !optional.includes(input));
  const unexpected = Object.keys(inputs).filter((input) => !expected.includes(input));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidShardError(
      `${name} shards take inputs [${expected.join(', ')}]` +
        (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
        (unexpected.length > 0 ? `; unexpected ${unexpected.join(', ')}` : ''),
    );
  }
  return { kernel, shard: { params: shardParams.data, inputs } };
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
