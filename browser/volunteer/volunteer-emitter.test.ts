import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './volunteer-emitter';

describe('TypedEmitter', () => {
  it('delivers to subscribers until they unsubscribe', () => {
    const emitter = new TypedEmitter<{ tick: number }>();
    const seen: number[] = [];
    const off = emitter.on('tick', (n) => seen.push(n));
    emitter.emit('tick', 1);
    off();
    emitter.emit('tick', 2);
    expect(seen).toEqual([1]);
  });

  it('isolates a throwing listener from the others (and from the emitter)', () => {
    const emitter = new TypedEmitter<{ tick: number }>();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('listener bug');
    });
    emitter.on('tick', (n) => seen.push(n));
    expect(() => emitter.emit('tick', 3)).not.toThrow();
    expect(seen).toEqual([3]);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
