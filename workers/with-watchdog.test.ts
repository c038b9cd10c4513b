import { describe, expect, it, vi } from 'vitest';
import { withWatchdog } from './with-watchdog';

describe('withWatchdog', () => {
  it('passes a result that arrives in time and never fires', async () => {
    const onTimeout = vi.fn();
    await expect(withWatchdog(Promise.resolve(42), 1000, onTimeout)).resolves.toBe(42);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('passes an error that arrives in time', async () => {
    await expect(withWatchdog(Promise.reject(new RangeError('bad')), 1000, () => {})).rejects.toThrow('bad');
  });

  it('rejects with ShardTimeoutError after the timeout, calling onTimeout first', async () => {
    const onTimeout = vi.fn();
    let settle!: (value: number) => void;
    const work = new Promise<number>((resolve) => {
      settle = resolve;
    });
    const error = await withWatchdog(work, 10, onTimeout, 'matmul shard').catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'ShardTimeoutError',
      message: expect.stringContaining('matmul shard'),
    });
    expect(onTimeout).toHaveBeenCalledOnce();
    settle(1); // a late result is ignored
  });

  it('swallows a late rejection of the abandoned work', async () => {
    let fail!: (error: Error) => void;
    const work = new Promise<number>((_, reject) => {
      fail = reject;
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    await expect(withWatchdog(work, 5, () => fail(new Error('device lost')))).rejects.toMatchObject({
      name: 'ShardTimeoutError',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
