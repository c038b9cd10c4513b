import { describe, expect, it } from 'vitest';
import { kernels } from '@/lib/kernels/registry';
import { describeKernelForm, paramFields, paramsFromForm } from '@/lib/protocol/kernel-forms';
import { valuesFromParams, valuesFromShape } from './form-values';

describe('form values', () => {
  it('turns every kernel’s example into form values that give back params its schema accepts', () => {
    for (const kernel of Object.values(kernels)) {
      const form = describeKernelForm(kernel);
      const fields = paramFields(form.paramsSchema);
      const params = paramsFromForm(fields, valuesFromParams(fields, form.example!));
      expect(kernel.paramsSchema.safeParse(params).success, kernel.name).toBe(true);
    }
  });

  it('fills matmul’s m, n and k from the shapes of a and b', () => {
    const shapes = describeKernelForm(kernels.matmul!).demoInputShapes;
    expect(valuesFromShape(shapes, 'a', [64, 32])).toEqual({ m: '64', k: '32' });
    expect(valuesFromShape(shapes, 'b', [32, 16])).toEqual({ k: '32', n: '16' });
    expect(valuesFromShape(shapes, 'c', [3, 3])).toEqual({});
    expect(valuesFromShape(null, 'a', [3, 3])).toEqual({});
  });
});
