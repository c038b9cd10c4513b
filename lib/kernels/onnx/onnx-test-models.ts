import { buildOnnxModel, type OnnxModelSpec } from './onnx-model-builder';

/**
 * Small models for tests: a one-layer dense model that validation should accept, and variants
 * that attack each rule (kept out of the test files so unit and e2e tests share them).
 */
export function denseModelSpec(overrides: Partial<OnnxModelSpec> = {}): OnnxModelSpec {
  const w = new Float32Array(4 * 3).map((_, i) => (i % 5) - 2);
  return {
    inputs: [{ name: 'x', dims: ['batch', 4] }],
    outputs: [{ name: 'y', dims: ['batch', 3] }],
    initializers: [{ name: 'w', dims: [4, 3], data: w }],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
      { opType: 'Tanh', inputs: ['h'], outputs: ['y'] },
    ],
    ...overrides,
  };
}

export const denseModel = (overrides: Partial<OnnxModelSpec> = {}) =>
  buildOnnxModel(denseModelSpec(overrides));
