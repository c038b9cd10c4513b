import { ApiError, type ErrorCode } from '../../errors';
import { type DecodedJobRequest, type JobJsonForm, parseJobJson } from '../../http/decode-job-request';
import { type AnyKernel, KernelInputError, type ShardSpec } from '../../kernels/kernel';
import { getKernel } from '../../kernels/registry';
import { arbiterMaxWorkUnits } from '../reputation/trust-rules';
import { decideShard, type Replica, type ShardDecision, type ShardView } from '../validation/decide-shard';

/**
 * The coordinator's CPU work, as plain functions over structured-cloneable data. They run inside
 * `CpuPool` worker threads (never on the event loop that answers requests); tests may call them
 * directly. Client mistakes come back as values, not exceptions, so they survive the thread boundary
 * with their field.
 */

function kernelNamed(name: string): AnyKernel {
  const kernel = getKernel(name);
  if (!kernel) throw new Error(`unknown kernel ${name}`);
  return kernel;
}

export interface PreparedShard {
  params: unknown;
  inputs: Record<string, Uint8Array>;
  secret: unknown;
  workUnits: number;
  homogeneous: boolean;
}

export type PrepareJobOutcome =
  | { ok: true; params: unknown; shards: PreparedShard[] }
  | { ok: false; code: 'invalid_request' | 'invalid_input'; message: string; field: string };

/**
 * Validates a job fully (params — which for `wgsl` includes reflecting the shader — input names,
 * then the kernel's own split, which checks shapes) and splits it, refusing more than `maxShards`.
 */
async function prepareJob(input: {
  kernel: string;
  params: unknown;
  inputs: Record<string, Uint8Array>;
  maxShards: number;
}): Promise<PrepareJobOutcome> {
  const kernel = kernelNamed(input.kernel);
  const parsed = kernel.paramsSchema.safeParse(input.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['params', ...(issue?.path.map(String) ?? [])].join('.');
    return { ok: false, code: 'invalid_request', message: `${field}: ${issue?.message ?? 'invalid'}`, field };
  }
  for (const name of Object.keys(input.inputs)) {
    if (!kernel.inputNames.includes(name)) {
      const expected = kernel.inputNames.length
        ? `it takes ${kernel.inputNames.join(', ')}`
        : 'it takes no inputs';
      const field = `inputs.${name}`;
      return {
        ok: false,
        code: 'invalid_input',
        message: `${field}: kernel "${kernel.name}" has no input "${name}"; ${expected}.`,
        field,
      };
    }
  }
  for (const name of kernel.inputNames) {
    if (!input.inputs[name] && !kernel.optionalInputNames?.includes(name)) {
      const field = `inputs.${name}`;
      return {
        ok: false,
        code: 'invalid_input',
        message: `${field}: missing; kernel "${kernel.name}" needs ${kernel.inputNames.join(', ')}.`,
        field,
      };
    }
  }
  let specs: ShardSpec<unknown>[];
  try {
    // A kernel may also try the job for real (onnx loads the model and runs a row).
    await kernel.validateJob?.({ params: parsed.data, inputs: input.inputs });
    specs = kernel.split({ params: parsed.data, inputs: input.inputs });
  } catch (error) {
    if (error instanceof KernelInputError) {
      const message = error.message.startsWith(error.field)
        ? error.message
        : `${error.field}: ${error.message}`;
      return { ok: false, code: 'invalid_input', message, field: error.field };
    }
    throw error;
  }
  if (specs.length === 0) {
    return {
      ok: false,
      code: 'invalid_input',
      message: 'params: the job has no work in it; check its params.',
      field: 'params',
    };
  }
  if (specs.length > input.maxShards) {
    return {
      ok: false,
      code: 'invalid_input',
      message: `params: the job would have ${specs.length} shards, more than the limit of ${input.maxShards} per job; use larger tiles or split the job.`,
      field: 'params',
    };
  }
  return {
    ok: true,
    params: parsed.data,
    shards: specs.map((spec) => ({
      params: spec.params,
      inputs: { ...spec.inputs },
      secret: spec.secret ?? null,
      workUnits: kernel.workUnits(spec.params),
      homogeneous: kernel.homogeneous?.(spec.params) ?? false,
    })),
  };
}

/**
 * Validates one shard: runs the kernel's check on every replica not yet checked, then decides the
 * shard from all replicas (`decideShard`). A check or comparison that throws is `undecided` —
 * a kernel bug or a budget, never held against the volunteer.
 */
async function validateShard(input: {
  kernel: string;
  spec: { params: unknown; inputs: Record<string, Uint8Array>; secret: unknown };
  shard: ShardView;
  replicas: {
    id: string;
    sha256: string;
    status: Replica['status'];
    check: 'valid' | 'plausible' | null;
    party?: string;
  }[];
  bytes: Record<string, Uint8Array>;
}): Promise<ShardDecision & { checks: Record<string, Replica['check']> }> {
  const kernel = kernelNamed(input.kernel);
  const spec: ShardSpec<unknown> = input.spec;
  const checks: Record<string, Replica['check']> = {};
  const replicas: Replica[] = [];
  for (const r of input.replicas) {
    const known = { id: r.id, sha256: r.sha256, status: r.status, party: r.party };
    if (r.status !== 'pending' || r.check !== null) {
      replicas.push({ ...known, check: r.check ?? 'plausible' });
      continue;
    }
    const bytes = input.bytes[r.sha256];
    let verdict: Replica;
    if (!bytes) verdict = { ...known, check: 'undecided' };
    else {
      try {
        const v = await kernel.verify.check(spec, bytes);
        verdict =
          v.status === 'invalid'
            ? { ...known, check: 'invalid', reason: v.reason }
            : { ...known, check: v.status };
      } catch {
        verdict = { ...known, check: 'undecided' };
      }
    }
    checks[r.id] = verdict.check;
    replicas.push(verdict);
  }
  const compare = (x: Uint8Array | undefined, y: Uint8Array | undefined) => {
    if (!x || !y) return 'undecided' as const;
    try {
      return kernel.verify.compare(spec, x, y);
    } catch {
      return 'undecided' as const;
    }
  };
  // The arbiter of a dispute between trusted volunteers: the kernel's CPU reference, computed at
  // most once per step and only for shards within `arbiterMaxWorkUnits` (docs/trust.md).
  let reference: Uint8Array | null | undefined;
  const arbitrate = (sha256: string) => {
    if (reference === undefined) {
      reference = null;
      try {
        if (kernel.workUnits(spec.params) <= arbiterMaxWorkUnits) reference = kernel.reference(spec);
      } catch {
        // No CPU reference (wgsl, onnx): the dispute is left to replicas.
      }
    }
    return reference === null ? ('undecided' as const) : compare(reference, input.bytes[sha256]);
  };
  const decision = decideShard(
    input.shard,
    replicas,
    (a, b) => compare(input.bytes[a], input.bytes[b]),
    arbitrate,
  );
  return { ...decision, checks };
}

export type ParseJobJsonOutcome =
  | { ok: true; job: DecodedJobRequest }
  | { ok: false; code: ErrorCode; message: string; field?: string };

/** `parseJobJson` of a job request's JSON; the client's mistake comes back as a value. */
function parseJobRequestJson(input: { bytes: Uint8Array; form: JobJsonForm }): ParseJobJsonOutcome {
  try {
    return { ok: true, job: parseJobJson(input.bytes, input.form) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ok: false, code: error.code, message: error.message, field: error.field };
  }
}

/** Builds a job's output from its verified shard results, in shard order. */
function assemble(input: {
  kernel: string;
  params: unknown;
  results: { params: unknown; result: Uint8Array }[];
}): { bytes: Uint8Array; contentType: string; filename: string } {
  return kernelNamed(input.kernel).assemble({ params: input.params }, input.results);
}

export const cpuTasks = { prepareJob, parseJobRequestJson, validateShard, assemble };
export type CpuTasks = typeof cpuTasks;
export type CpuTaskName = keyof CpuTasks;
