import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool';

/** A stand-in for GPUDevice.createBuffer: the pool's logic needs no GPU, only buffer identity. */
function fakeDevice() {
  const created: FakeBuffer[] = [];
  return {
    created,
    createBuffer(descriptor: GPUBufferDescriptor) {
      const buffer = new FakeBuffer(descriptor.size, descriptor.usage);
      created.push(buffer);
      return buffer as unknown as GPUBuffer;
    },
  };
}

class FakeBuffer {
  destroyed = false;
  constructor(
    readonly size: number,
    readonly usage: number,
  ) {}
  destroy() {
    this.destroyed = true;
  }
}

describe('BufferPool', () => {
  it('reuses a released buffer of the same size and usage', () => {
    const device = fakeDevice();
    const pool = new BufferPool(device);
    const first = pool.acquire(100, 0x88, 'a');
    pool.release(first);
    expect(pool.acquire(100, 0x88, 'b')).toBe(first);
    expect(device.created).toHaveLength(1);
  });

  it('never hands out one buffer twice, nor one of another usage or size', () => {
    const device = fakeDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(64, 0x88, 'a');
    const b = pool.acquire(64, 0x88, 'b');
    expect(b).not.toBe(a);
    pool.release(a);
    expect(pool.acquire(64, 0x48, 'uniform')).not.toBe(a);
    expect(pool.acquire(128, 0x88, 'bigger')).not.toBe(a);
    expect(pool.acquire(64, 0x88, 'same')).toBe(a);
  });

  it('rounds sizes up to whole words, never 0', () => {
    expect(BufferPool.roundSize(0)).toBe(4);
    expect(BufferPool.roundSize(5)).toBe(8);
    expect(BufferPool.roundSize(16)).toBe(16);
    const device = fakeDevice();
    new BufferPool(device).acquire(5, 0x88, 'odd');
    expect(device.created[0]?.size).toBe(8);
  });

  it('destroys the oldest idle buffers beyond its budget', () => {
    const device = fakeDevice();
    const pool = new BufferPool(device, 200);
    const buffers = [0, 1, 2].map(() => pool.acquire(100, 0x88, 'x'));
    for (const buffer of buffers) pool.release(buffer);
    expect(pool.heldBytes).toBe(200);
    expect(device.created.map((buffer) => buffer.destroyed)).toEqual([true, false, false]);
    expect(pool.acquire(100, 0x88, 'y')).toBe(buffers[2]);
    expect(pool.heldBytes).toBe(100);
  });
});
