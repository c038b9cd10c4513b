import { describe, expect, it } from 'vitest';
import { adapterClass } from './adapter-class';

describe('adapterClass', () => {
  it('puts every CPU fallback in one class', () => {
    expect(adapterClass({ webgpu: false })).toBe('cpu');
    expect(adapterClass({ webgpu: false, adapter: { vendor: 'x', architecture: 'y', features: [] } })).toBe(
      'cpu',
    );
  });

  it('classes GPUs by normalized vendor and architecture, software adapters apart', () => {
    const gpu = { vendor: ' NVIDIA ', architecture: 'Hopper', features: ['shader-f16'] };
    expect(adapterClass({ webgpu: true, adapter: gpu })).toBe('nvidia/hopper');
    expect(adapterClass({ webgpu: true, adapter: { ...gpu, features: [] } })).toBe('nvidia/hopper');
    expect(
      adapterClass({
        webgpu: true,
        adapter: { vendor: 'google', architecture: 'swiftshader', features: [], fallback: true },
      }),
    ).toBe('google/swiftshader/fallback');
    expect(adapterClass({ webgpu: true, adapter: { vendor: '', architecture: '', features: [] } })).toBe(
      'unknown/unknown',
    );
    expect(adapterClass({ webgpu: true })).toBe('webgpu/unknown');
  });
});
