import type { ComputeErrorName } from './compute-api';

/** Base of the worker's errors: Comlink keeps only `name` and `message`, so `name` is the contract. */
abstract class ComputeError extends Error {
  abstract override readonly name: ComputeErrorName;
}

/** The request does not fit its kernel (unknown kernel, params or inputs that fail validation): a bad lease. */
export class InvalidShardError extends ComputeError {
  override readonly name = 'InvalidShardError';
}

/** The GPU device was lost while the shard was in flight; no result. The next run uses a new device. */
export class DeviceLostError extends ComputeError {
  override readonly name = 'DeviceLostError';
}

/** The shard ran past its deadline; the device was replaced to stop it. */
export class ShardTimeoutError extends ComputeError {
  override readonly name = 'ShardTimeoutError';
}

/** The kernel failed: a shader error, a failed reference, or a result of the wrong size. */
export class KernelError extends ComputeError {
  override readonly name = 'KernelError';
}
