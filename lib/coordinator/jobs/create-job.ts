import { randomUUID } from 'node:crypto';
import { putBlobs } from '../../db/blobs';
import type { Db } from '../../db/client';
import { jobs, shards } from '../../db/schema';
import { ApiError } from '../../errors';
import type { AnyKernel } from '../../kernels/kernel';
import { getKernel, kernelNames } from '../../kernels/registry';
import { getCpuPool, isCpuBudgetError } from '../pipeline/cpu-pool';
import type { PrepareJobOutcome } from '../pipeline/cpu-tasks';
import { reserveJobFunds } from '../rewards/reserve-job-funds';

/** Most shards one job may have (docs/api.md): beyond this the submitter should use larger tiles. */
export const maxShardsPerJob = 16_384;

/** Time budget for validating and splitting one job in a worker thread (docs/api.md). */
export const prepareBudgetMs = 5_000;

export interface CreateJobInput {
  ownerId: string;
  kernel: string;
  params: Record<string, unknown>;
  /** Decoded input files (the HTTP layer already turned base64 or multipart parts into bytes). */
  inputs: Record<string, Uint8Array>;
  replication?: { min: number; max: number };
  title?: string;
  visibility?: 'public' | 'private';
  /** A paid job's price in token units per work unit; unset for an unpaid job. */
  payment?: { pricePerWorkUnit: string };
}

/** Default replication: one result when the kernel can prove a result alone, else a quorum of two. */
export function defaultReplication(kernel: AnyKernel): { min: number; max: number } {
  const min = minimumReplication(kernel);
  return { min, max: min + 2 };
}

/**
 * The kernel's safe minimum quorum: 1 where its check proves a result alone, else 2 — one unproven
 * answer is one volunteer's word, so a submitter cannot ask for less (docs/api.md).
 */
export function minimumReplication(kernel: AnyKernel): number {
  return kernel.verify.selfVerifying ? 1 : 2;
}

/**
 * The replication a job gets: what was asked, raised to the kernel's safe minimum (and `max` to at
 * least that), with a sentence saying so when it was raised.
 */
export function effectiveReplication(
  kernel: AnyKernel,
  asked?: { min: number; max: number },
): { replication: { min: number; max: number }; notice?: string } {
  if (!asked) return { replication: defaultReplication(kernel) };
  const floor = minimumReplication(kernel);
  if (asked.min >= floor) return { replication: asked };
  const replication = { min: floor, max: Math.max(asked.max, floor) };
  return {
    replication,
    notice: `replication.min raised from ${asked.min} to ${floor}: \`${kernel.name}\` results cannot be proven by one volunteer, so at least ${floor} must agree${asked.max < floor ? ` (replication.max raised to ${floor} too)` : ''}.`,
  };
}

/**
 * Validates a job completely — kernel, params, inputs, shapes — and only then stores it: blobs,
 * the job, its shards and (for a paid job) its reservation in one transaction. Bad input throws a
 * 400 naming the field and stores nothing; a paid job the balance cannot cover throws a 402.
 * The validation and the split run in the CPU pool, within `prepareBudgetMs`.
 */
export async function createJob(
  db: Db,
  input: CreateJobInput,
): Promise<{ jobId: string; shards: number; replication: { min: number; max: number }; notice?: string }> {
  const kernel = getKernel(input.kernel);
  if (!kernel) {
    throw new ApiError(
      'unknown_kernel',
      `Unknown kernel "${input.kernel}"; use one of: ${kernelNames.join(', ')}.`,
      'kernel',
    );
  }
  // Params parsing (WGSL reflection for `wgsl`) and splitting are CPU work: a worker thread does
  // them within a budget, so a pathological job cannot stall the requests around it.
  let prepared: PrepareJobOutcome;
  try {
    prepared = await getCpuPool().run(
      'prepareJob',
      { kernel: kernel.name, params: input.params, inputs: input.inputs, maxShards: maxShardsPerJob },
      { timeoutMs: kernel.validationBudgetMs ?? prepareBudgetMs },
    );
  } catch (error) {
    if (isCpuBudgetError(error)) {
      throw new ApiError(
        'invalid_input',
        `params: validating and splitting this job needs more than the limit of ${kernel.validationBudgetMs ?? prepareBudgetMs} ms (or of its memory budget); for \`wgsl\` simplify the shader's call graph, otherwise use fewer, larger shards.`,
        'params',
      );
    }
    throw error;
  }
  if (!prepared.ok) throw new ApiError(prepared.code, prepared.message, prepared.field);
  const specs = prepared.shards;
  const { replication, notice } = effectiveReplication(kernel, input.replication);

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
      params: prepared.params,
      title: input.title ?? null,
      visibility: input.visibility ?? 'private', // see jobVisibilitySchema (issue 12)
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
      secret: spec.secret,
      inputs: shardInputNames[index]!.map((name) => {
        const sha256 = shardInputShas[cursor++]!;
        return { name, sha256, bytes: spec.inputs[name]!.byteLength };
      }),
      quorum: replication.min,
      maxResults: replication.max,
      workUnits: spec.workUnits,
      needsHomogeneous: spec.homogeneous,
    }));
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(shards).values(rows.slice(i, i + 1000));
    await reserveJobFunds(tx, { jobId, ownerId: input.ownerId, payment: input.payment, shards: rows });
  });
  return { jobId, shards: specs.length, replication, ...(notice ? { notice } : {}) };
}
