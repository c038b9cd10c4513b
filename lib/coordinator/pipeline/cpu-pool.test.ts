import { afterAll, describe, expect, it } from 'vitest';
import { CpuBudgetError, CpuPool } from './cpu-pool';
import { fanOutShader } from './fan-out-shader.fixture';

const pool = new CpuPool(1);
afterAll(() => pool.close());

const job = (code: string) => ({
  kernel: 'wgsl',
  params: { code, workgroups: [1, 1, 1], outputBytes: 64 },
  inputs: {},
  maxShards: 16,
});

describe('CpuPool', () => {
  it('runs a task in a worker thread and returns its value', async () => {
    const out = await pool.run(
      'prepareJob',
      {
        kernel: 'hashsearch',
        params: { prefix: 'ab', difficulty: 4, nonceStart: '0', nonceCount: 1000 },
        inputs: {},
        maxShards: 16,
      },
      { timeoutMs: 20_000 },
    );
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.shards.length).toBeGreaterThan(0);
  });

  it('stops a task past its budget, replaces the thread, and keeps serving', async () => {
    const started = Date.now();
    // Reflection of this shader's 4^11-way call graph takes tens of seconds.
    await expect(
      pool.run('prepareJob', job(fanOutShader(4, 11)), { timeoutMs: 1_500 }),
    ).rejects.toBeInstanceOf(CpuBudgetError);
    expect(Date.now() - started).toBeLessThan(10_000);
    const after = await pool.run('prepareJob', job(fanOutShader(1, 1)), { timeoutMs: 20_000 });
    expect(after.ok).toBe(true);
  });

  it('returns client mistakes as values naming the field', async () => {
    const out = await pool.run('prepareJob', job('fn main( {'), { timeoutMs: 20_000 });
    expect(out).toMatchObject({ ok: false, code: 'invalid_request', field: 'params.code' });
  });

  it('refuses a job with more shards than the limit', async () => {
    const out = await pool.run(
      'prepareJob',
      {
        kernel: 'mandelbrot',
        params: {
          width: 1024,
          height: 1024,
          centerX: -0.5,
          centerY: 0,
          scale: 3,
          maxIter: 100,
          tileSize: 16,
        },
        inputs: {},
        maxShards: 100,
      },
      { timeoutMs: 20_000 },
    );
    expect(out).toMatchObject({ ok: false, field: 'params' });
    if (!out.ok) expect(out.message).toMatch(/limit of 100/);
  });
});
