import { describe, expect, it } from 'vitest';
import { getKernel, kernelNames, kernels } from './registry';

describe('kernel registry', () => {
  it('lists the built-in kernels under their own names', () => {
    expect(kernelNames).toEqual(['matmul', 'hashsearch', 'mandelbrot', 'montecarlo', 'wgsl', 'onnx']);
    for (const name of kernelNames) {
      const kernel = getKernel(name);
      expect(kernel?.name).toBe(name);
      expect(kernels[name]).toBe(kernel);
      expect(kernel?.description.length).toBeGreaterThan(10);
    }
  });

  it('returns undefined for unknown names, including Object.prototype keys', () => {
    for (const name of ['nbody', '', 'constructor', '__proto__', 'toString', 'MATMUL']) {
      expect(getKernel(name)).toBeUndefined();
    }
  });
});

describe('kernel examples', () => {
  it('every kernel has an example whose params its own schema accepts', () => {
    for (const kernel of Object.values(kernels)) {
      expect(kernel.example, kernel.name).toBeDefined();
      expect(kernel.paramsSchema.safeParse(kernel.example!.params).success, kernel.name).toBe(true);
    }
  });
});
