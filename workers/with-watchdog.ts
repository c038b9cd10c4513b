import { ShardTimeoutError } from './compute-errors';

/**
 * `work`, or `ShardTimeoutError` after `timeoutMs`, calling `onTimeout` first (the runtime destroys
 * the device there: WebGPU has no other way to stop a running shader). A late rejection of `work`
 * is swallowed so it cannot surface as an unhandled rejection.
 */
export function withWatchdog<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => void,
  label = 'shard',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      onTimeout();
      reject(
        new ShardTimeoutError(`${label} did not finish within ${timeoutMs} ms; the GPU device was reset`),
      );
    }, timeoutMs);
    work.then(
      (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
