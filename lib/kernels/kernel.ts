import type { z } from 'zod';
import type { AdapterProfile, GpuDispatch } from './gpu';

/**
 * The kernel descriptor: the unit of extension. A kernel is one folder `lib/kernels/<name>/` plus its
 * WGSL in `shaders/` (or, for `runtime: 'onnx'`, a model the worker runs in onnxruntime-web); the
 * coordinator, the worker and the tests only ever talk to this interface, through the registry.
 *
 * Everything here is pure (no I/O): the server, the browser worker and tests all import it.
 */

/** Named raw byte buffers: a job's uploaded files (`.npy`) or a shard's inputs (raw, kernel-defined). */
export type NamedBytes = Readonly<Record<string, Uint8Array>>;

/** What the submitter gave us, after the HTTP layer decoded the files (base64 or multipart). */
export interface JobSpec<JobParams> {
  params: JobParams;
  inputs: NamedBytes;
}

/** One unit of leasable work: its params travel in the lease, its inputs become content-addressed blobs. */
export interface ShardSpec<ShardParams> {
  params: ShardParams;
  inputs: NamedBytes;
  /**
   * Server-only data from `split` that `verify` needs and volunteers must never see (e.g. the
   * nonces behind hashsearch's hidden ringers). Stored with the shard, never put in a lease.
   */
  secret?: unknown;
}

/** A verified shard result, in shard order, handed to `assemble`. */
export interface ShardResult<ShardParams> {
  params: ShardParams;
  result: Uint8Array;
}

/** The job output served by `GET /api/v1/jobs/{id}/result`. */
export interface JobOutput {
  bytes: Uint8Array;
  contentType: string;
  /** Suggested download name, e.g. `c.npy`. */
  filename: string;
}

/** The size a result must have; checked before anything else (a wrong size is a 400). */
export type ResultSize = { exact: number } | { multipleOf: number; max: number };

/**
 * The kernel's own check of one result.
 * - `valid`: proven correct on its own (e.g. Freivalds passed): one replica suffices.
 * - `plausible`: nothing wrong found, but completeness cannot be proven alone: needs a quorum.
 * - `invalid`: this result is wrong; `reason` says why (kept for operators, never credited).
 */
export type CheckVerdict =
  | { status: 'valid' }
  | { status: 'plausible' }
  | { status: 'invalid'; reason: string };

/** Verification plug-in (BOINC `validate_util2.h` style): "wrong" is kept apart from "undecided". */
export interface KernelVerifier<ShardParams> {
  /** True when `check` can return `valid`, so the default quorum is 1 instead of 2. */
  readonly selfVerifying: boolean;
  /** May be asynchronous (e.g. re-running a model); the validation pipeline awaits it. */
  check(shard: ShardSpec<ShardParams>, result: Uint8Array): CheckVerdict | Promise<CheckVerdict>;
  /** Whether two results of the same shard agree (exactly or within the kernel's tolerance). */
  compare(shard: ShardSpec<ShardParams>, a: Uint8Array, b: Uint8Array): boolean;
}

/** A client-caused problem with a job's params or inputs; becomes a 400 naming `field`. */
export class KernelInputError extends Error {
  override readonly name = 'KernelInputError';
  constructor(
    /** Dotted path of what to fix, e.g. `inputs.a` or `params.k`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What runs a kernel's shards in the browser worker.
 * - `wgsl` (the default): the kernel's own shader, through `dispatch` on the worker's GPU runtime,
 *   or its CPU `reference` without WebGPU.
 * - `onnx`: the shard's `model` input in onnxruntime-web (WebGPU execution provider, else
 *   WebAssembly); such kernels have no `wgsl` or `dispatch`.
 */
export type KernelRuntime = 'wgsl' | 'onnx';

export interface Kernel<JobParams = unknown, ShardParams = unknown> {
  readonly name: string;
  /** Absent means `wgsl`. */
  readonly runtime?: KernelRuntime;
  /** One line for humans (API docs, the job form). */
  readonly description: string;
  /** Job params as the submitter sends them. */
  readonly paramsSchema: z.ZodType<JobParams>;
  /** Shard params as they travel in a lease (validated again by the worker). */
  readonly shardParamsSchema: z.ZodType<ShardParams>;
  /** The job input files this kernel needs (e.g. `['a', 'b']`); none for `hashsearch`. */
  readonly inputNames: readonly string[];
  /** The inputs every shard carries in its lease (e.g. `a`, `b` blocks; `wgsl`'s `code` and `input`). */
  readonly shardInputNames: readonly string[];
  /** Inputs from `inputNames` a job may leave out (e.g. `wgsl`'s `input`); the rest are required. */
  readonly optionalInputNames?: readonly string[];
  /** Inputs from `shardInputNames` a shard may not carry (e.g. `onnx`'s `x2` for a one-input model). */
  readonly optionalShardInputNames?: readonly string[];
  /**
   * Shard inputs worth keeping across visits (e.g. `onnx`'s `model`, the same blob in every shard of
   * a job): the volunteer stores them by SHA-256 in persistent browser storage, not only in memory.
   */
  readonly persistentInputNames?: readonly string[];
  /** False when a worker without WebGPU can run it through `reference` (the CPU fallback). */
  readonly requiresWebGPU: boolean;
  /**
   * Validates the job fully (params against inputs: shapes, dtypes, limits) and splits it into
   * shards. Throws `KernelInputError` naming the field to fix; must not throw anything else for
   * client input.
   */
  split(job: JobSpec<JobParams>): ShardSpec<ShardParams>[];
  /** Time budget for validating and splitting one job, when `validateJob` needs more than the default 5 s. */
  readonly validationBudgetMs?: number;
  /**
   * Optional asynchronous validation run at submission before `split` (e.g. loading a model in a
   * runtime). Throws `KernelInputError` naming the field to fix.
   */
  validateJob?(job: JobSpec<JobParams>): Promise<void>;
  resultSize(params: ShardParams): ResultSize;
  /** The CPU implementation: the worker's fallback and the tests' ground truth. */
  reference(shard: ShardSpec<ShardParams>): Uint8Array;
  readonly verify: KernelVerifier<ShardParams>;
  /** Builds the job output from every shard's verified result, in the order `split` returned them. */
  assemble(job: { params: JobParams }, results: ShardResult<ShardParams>[]): JobOutput;
  /** Credit for one correct result, proportional to real work (FLOPs, hashes). Always > 0. */
  workUnits(params: ShardParams): number;
  /**
   * True when replicas of this shard must agree bit for bit although different GPUs may round
   * differently: the coordinator then sends its replicas to one class of adapter only
   * (homogeneous redundancy). Absent means false.
   */
  homogeneous?(params: ShardParams): boolean;
  /**
   * The WGSL shader text, imported from `shaders/` (the main variant when there are several).
   * Present exactly for `runtime: 'wgsl'` kernels.
   */
  readonly wgsl?: string;
  /**
   * How one shard runs on the GPU: buffers, workgroup counts, read-back (pure data, no GPU calls).
   * May pick a shader variant from the adapter; the worker runs whatever it returns. Called only
   * with params that passed `shardParamsSchema`; throws `RangeError` when the inputs do not fit
   * the params (a bad lease, not a bad job). Present exactly for `runtime: 'wgsl'` kernels.
   */
  dispatch?(shard: ShardSpec<ShardParams>, adapter: AdapterProfile): GpuDispatch;
  /**
   * A small job that finishes in seconds on one software GPU: the job form's "Use the example" and
   * the docs' sample request. Inputs with `demoInputShapes` are generated by the form to match.
   */
  readonly example?: { params: Record<string, unknown> };
}

/** Type-erased kernel, as the registry hands it out. */
export type AnyKernel = Kernel<unknown, unknown>;
