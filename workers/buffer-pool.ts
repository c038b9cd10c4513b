/**
 * Reuses GPU buffers across shards: a volunteer runs many shards of one job, all with the same
 * buffer sizes, and creating (and zeroing) buffers per shard costs more than the dispatch for small
 * shards. Buffers are keyed by exact size and usage; idle buffers beyond `maxIdleBytes` are
 * destroyed oldest first, so a change of job does not pin memory.
 */
export class BufferPool {
  private readonly idle = new Map<string, GPUBuffer[]>();
  private readonly order: { key: string; buffer: GPUBuffer }[] = [];
  private idleBytes = 0;

  constructor(
    private readonly device: Pick<GPUDevice, 'createBuffer'>,
    private readonly maxIdleBytes = 256 * 2 ** 20,
  ) {}

  /** A buffer of exactly `size` bytes (rounded up to 4) with `usage`, reused when one is idle. */
  acquire(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const bytes = BufferPool.roundSize(size);
    const key = `${usage}:${bytes}`;
    const buffer = this.idle.get(key)?.pop();
    if (buffer) {
      this.idleBytes -= bytes;
      this.order.splice(
        this.order.findIndex((entry) => entry.buffer === buffer),
        1,
      );
      return buffer;
    }
    return this.device.createBuffer({ size: bytes, usage, label });
  }

  /** Returns a buffer for reuse; its contents are not cleared (the runtime clears what it needs). */
  release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    const list = this.idle.get(key) ?? [];
    list.push(buffer);
    this.idle.set(key, list);
    this.order.push({ key, buffer });
    this.idleBytes += buffer.size;
    while (this.idleBytes > this.maxIdleBytes && this.order.length > 0) {
      const oldest = this.order.shift()!;
      const bucket = this.idle.get(oldest.key)!;
      bucket.splice(bucket.indexOf(oldest.buffer), 1);
      this.idleBytes -= oldest.buffer.size;
      oldest.buffer.destroy();
    }
  }

  /** Idle bytes held (for tests and the lab page). */
  get heldBytes(): number {
    return this.idleBytes;
  }

  /** WebGPU wants sizes in multiples of 4 for copies and storage; never 0 (a binding needs bytes). */
  static roundSize(size: number): number {
    return Math.max(4, Math.ceil(size / 4) * 4);
  }
}
