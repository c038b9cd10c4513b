import { hashsearch } from './hashsearch/hashsearch';
import type { AnyKernel } from './kernel';
import { mandelbrot } from './mandelbrot/mandelbrot';
import { matmul } from './matmul/matmul';
import { montecarlo } from './montecarlo/montecarlo';
import { onnx } from './onnx/onnx';
import { customWgsl } from './wgsl/custom-wgsl';

/** Every built-in kernel by name: the only place kernel names are listed. */
export const kernels: Readonly<Record<string, AnyKernel>> = {
  [matmul.name]: matmul,
  [hashsearch.name]: hashsearch,
  [mandelbrot.name]: mandelbrot,
  [montecarlo.name]: montecarlo,
  [customWgsl.name]: customWgsl,
  [onnx.name]: onnx,
};

/** Kernel names, for error messages ("use one of: …") and API docs. */
export const kernelNames: readonly string[] = Object.keys(kernels);

/** The kernel called `name`, or undefined; never a property inherited from `Object.prototype`. */
export function getKernel(name: string): AnyKernel | undefined {
  return Object.hasOwn(kernels, name) ? kernels[name] : undefined;
}
