import { randomUUID } from 'node:crypto';
import { putBlobs } from '../db/blobs';
import type { Db } from '../db/client';
import { jobs, shards } from '../db/schema';
import { ApiError } from '../errors';
import { type AnyKernel, KernelInputError, type ShardSpec } from '../kernels/kernel';
import { getKernel, kernelNames } from '../kernels/registry';
import { reserveJobFunds } from './rewards/reserve-job-funds';

/** Most shards one job may have: beyond this the submitter should use larger tiles. */
export const maxShardsPerJob = 100_000;

export interface CreateJobInput {
  ownerId: string;
  kernel: string;
  params: Record<string, unknown>;
  /** Decoded input files (the HTTP layer already turned base64 or multipart parts into bytes). */
  inputs: Record<string, Uint8Array>;
  replication?: { min: number; max: number };
  title?: string;
  /** A paid job's price in token units per work unit; unset for an unpaid job. */
  payment?: { pricePerWorkUnit: string };
}

/** Default replication: one result when the kernel can prove a result alone, else a quorum of two. */
export function defaultReplication(kernel: AnyKernel): { min: number; max: number } {
  const min = kernel.verify.selfVerifying ? 1 : 2;
  return { min, max: min + 2 };
}

/**
 * Validates a job completely — kernel, params, inputs, shapes — and only then stores it: blobs,
 * the job, its shards and (for a paid job) its reservation in one transaction. Bad input throws a
 * 400 naming the field and stores nothing; a paid job the balance cannot cover throws a 402.
 */
export async function createJob(db: Db, input: CreateJobInput): Promise<{ jobId: string; shards: number }> {
  const kernel = getKernel(input.kernel);
  if (!kernel) {
    throw new ApiError(
      'unknown_kernel',
      `Unknown kernel "${input.kernel}"; use one of: ${kernelNames.join(', ')}.`,
      'kernel',
    );
  }
  const parsed = kernel.paramsSchema.safeParse(input.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['params', ...(issue?.path.map(String) ?? [])].join('.');
    throw new ApiError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  for (const name of Object.keys(input.inputs)) {
    if (!kernel.inputNames.includes(name)) {
      const expected = kernel.inputNames.length
        ? `it takes ${kernel.inputNames.join(', ')}`
        : 'it takes no inputs';
      throw new ApiError(
        'invalid_input',
        `inputs.${name}: kernel "${kernel.name}" has no input "${name}"; ${expected}.`,
        `inputs.${name}`,
      );
    }
  }
  for (const name of kernel.inputNames) {
    if (!input.inputs[name] && !kernel.optionalInputNames?.includes(name)) {
      throw new ApiError(
        'invalid_input',
        `inputs.${name}: missing; kernel "${kernel.name}" needs ${kernel.inputNames.join(', ')}.`,
        `inputs.${name}`,
      );
    }
  }
  const replication = input.replication ?? defaultReplication(kernel);

  let specs: ShardSpec<unknown>[];
  try {
    specs = kernel.split({ params: parsed.data, inputs: input.inputs });
  } catch (error) {
    if (error instanceof KernelInputError) {
      const message = error.message.startsWith(error.field)
        ? error.message
        : `${error.field}: ${error.message}`;
      throw new ApiError('invalid_input', message, error.field);
    }
    throw error;
  }
  if (specs.length === 0)
    throw new ApiError('invalid_input', 'The job has no work in it; check its params.', 'params');
  if (specs.length > maxShardsPerJob) {
    throw new ApiError(
      'invalid_input',
      `The job would have ${specs.length} shards, more than ${maxShardsPerJob}; use larger tiles.`,
      'params',
    );
  }

  const jobId = randomUUID();
  const inputNames = Object.keys(input.inputs);
  await db.transaction(async (tx) => {
    const inputShas = await putBlobs(
      tx,
      inputNames.map((n) => input.inputs[n]!),
    );
    const shardInputNames = specs.map((s) => Object.keys(s.inputs));
    const shardInputShas = await putBlobs(
      tx,
      specs.flatMap((s, i) => shardInputNames[i]!.map((n) => s.inputs[n]!)),
    );
    await tx.insert(jobs).values({
      id: jobId,
      ownerId: input.ownerId,
      kernel: kernel.name,
      params: parsed.data,
      title: input.title ?? null,
      replicationMin: replication.min,
      replicationMax: replication.max,
      shardsTotal: specs.length,
      inputs: Object.fromEntries(inputNames.map((n, i) => [n, inputShas[i]!])),
    });
    let cursor = 0;
    const rows = specs.map((spec, index) => ({
      id: randomUUID(),
      jobId,
      index,
      kernel: kernel.name,
      params: spec.params,
      inputs: shardInputNames[index]!.map((name) => {
        const sha256 = shardInputShas[cursor++]!;
        return { name, sha256, bytes: spec.inputs[name]!.byteLength };
      }),
      quorum: replication.min,
      maxResults: replication.max,
      workUnits: kernel.workUnits(spec.params),
      needsHomogeneous: kernel.homogeneous?.(spec.params) ?? false,
    }));
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(shards).values(rows.slice(i, i + 1000));
    await reserveJobFunds(tx, { jobId, ownerId: input.ownerId, payment: input.payment, shards: rows });
  });
  return { jobId, shards: specs.length };
}
