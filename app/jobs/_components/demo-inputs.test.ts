import { describe, expect, it } from 'vitest';
import { parseNpy } from '@/lib/kernels/npy';
import { DEMO_MAX_ELEMENTS, demoInputs } from './demo-inputs';

const shapes = { a: ['m', 'k'], b: ['k', 'n'] } as const;

describe('demoInputs', () => {
  it('makes .npy matrices of the shapes the params give, with values in [-1, 1)', () => {
    const outcome = demoInputs(shapes, { m: '3', n: '5', k: '2' }, [1, 2, 3, 4]);
    if (!outcome.ok) throw new Error(outcome.message);
    const a = parseNpy(outcome.inputs.a!.npy, 'a');
    const b = parseNpy(outcome.inputs.b!.npy, 'b');
    expect(a.shape).toEqual([3, 2]);
    expect(b.shape).toEqual([2, 5]);
    for (const v of [...a.data, ...b.data]) {
      expect(v).toBeGreaterThanOrEqual(-1);
      expect(v).toBeLessThan(1);
    }
    // Seeded: the same seed gives the same matrices.
    const again = demoInputs(shapes, { m: '3', n: '5', k: '2' }, [1, 2, 3, 4]);
    expect(again.ok && again.inputs.a!.npy).toEqual(outcome.inputs.a!.npy);
  });

  it('names the param to set when a dimension is missing or not a whole number', () => {
    expect(demoInputs(shapes, { m: '3', n: '5' })).toMatchObject({ ok: false, param: 'k' });
    expect(demoInputs(shapes, { m: '0', n: '5', k: '1' })).toMatchObject({ ok: false, param: 'm' });
    expect(demoInputs(shapes, { m: '2.5', n: '5', k: '1' })).toMatchObject({ ok: false, param: 'm' });
  });

  it('refuses shapes too large for a demo', () => {
    const outcome = demoInputs(shapes, { m: '4096', n: '4096', k: '1024' });
    expect(outcome).toMatchObject({ ok: false, param: null });
    expect(outcome.ok || outcome.message).toContain(DEMO_MAX_ELEMENTS.toLocaleString('en-US'));
  });
});
