import { writeNpy } from '@/lib/kernels/npy';
import { createPrng, randomSeed } from '@/lib/kernels/prng';

/** A demo stays small enough to generate and upload in a moment (16 MiB of float32 in all). */
export const DEMO_MAX_ELEMENTS = 2 ** 22;

export type DemoOutcome =
  | { ok: true; inputs: Record<string, { rows: number; cols: number; npy: Uint8Array }> }
  | { ok: false; param: string | null; message: string };

/**
 * Random `.npy` matrices (uniform in [-1, 1)) of the shapes the chosen params give, e.g. A m×k
 * and B k×n for matmul: lets someone try the system without data of their own.
 * @example demoInputs({a: ['m', 'k']}, {m: '4', k: '3'}) // {ok: true, inputs: {a: {rows: 4, cols: 3, npy}}}
 */
export function demoInputs(
  shapes: Readonly<Record<string, readonly [string, string]>>,
  values: Readonly<Record<string, string | boolean | undefined>>,
  seed: ArrayLike<number> = randomSeed(),
): DemoOutcome {
  const dims: Record<string, [number, number]> = {};
  let elements = 0;
  for (const [name, [rowsParam, colsParam]] of Object.entries(shapes)) {
    const pair: number[] = [];
    for (const param of [rowsParam, colsParam]) {
      const value = Number(values[param]);
      if (typeof values[param] !== 'string' || !Number.isInteger(value) || value < 1) {
        return {
          ok: false,
          param,
          message: `Set ${param} to a whole number of at least 1 first: the demo matrices take their shape from it.`,
        };
      }
      pair.push(value);
    }
    dims[name] = [pair[0]!, pair[1]!];
    elements += pair[0]! * pair[1]!;
  }
  if (elements > DEMO_MAX_ELEMENTS) {
    return {
      ok: false,
      param: null,
      message: `Demo matrices of these shapes would hold ${elements.toLocaleString('en-US')} values; the demo makes at most ${DEMO_MAX_ELEMENTS.toLocaleString('en-US')}. Choose smaller sizes or upload your own files.`,
    };
  }
  const next = createPrng(seed);
  const inputs: Record<string, { rows: number; cols: number; npy: Uint8Array }> = {};
  for (const [name, [rows, cols]] of Object.entries(dims)) {
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = (next() / 2 ** 32) * 2 - 1;
    inputs[name] = { rows, cols, npy: writeNpy(rows, cols, data) };
  }
  return { ok: true, inputs };
}
