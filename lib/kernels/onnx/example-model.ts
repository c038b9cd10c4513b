import { writeNpyArray } from '../npy';
import { createPrng } from '../prng';
import { buildOnnxModel } from './onnx-model-builder';

/**
 * The project's example model: a 10-class classifier over 64-feature rows, an MLP
 * (Gemm → Relu → Gemm → Relu → Gemm → Softmax) whose weights come from a fixed seed, so every build
 * writes the same bytes. Its first layer is a bank of class prototypes, so rows drawn near a
 * prototype (see `exampleRows`) are classified as that prototype's class: the argmax preview on
 * the job page shows something that can be checked by eye. ~86 k parameters (≈ 340 KB) at the
 * default size; the benchmark builds a wider one.
 */
export interface ExampleModelOptions {
  features?: number;
  hidden?: number;
  classes?: number;
  seed?: number;
}

const DEFAULTS = { features: 64, hidden: 256, classes: 10, seed: 11 } as const;

/** Uniform floats in [-1, 1) from the project's seeded PRNG. */
function uniforms(count: number, random: () => number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((random() / 2 ** 32) * 2 - 1) * scale;
  return out;
}

/** The class prototypes (classes × features), the geometry both the model and `exampleRows` use. */
function prototypes(features: number, classes: number, seed: number): Float32Array {
  return uniforms(features * classes, createPrng([seed, 0x70726f74, 0, 1]), 1);
}

/** The example classifier as `.onnx` bytes (deterministic). */
export function buildExampleModel(options: ExampleModelOptions = {}): Uint8Array {
  const { features, hidden, classes, seed } = { ...DEFAULTS, ...options };
  const random = createPrng([seed, 0x6f6e6e78, 0, 0]);
  const protos = prototypes(features, classes, seed);
  // Layer 1: `classes` units are prototype matchers (x·p − |p|²/2, the nearest-prototype score);
  // the rest are random features. Later layers carry the matchers through (identity blocks) and
  // mix in small random weights, so the net is a real MLP whose argmax is the nearest prototype.
  const w1 = uniforms(features * hidden, random, Math.sqrt(6 / features));
  const b1 = new Float32Array(hidden);
  for (let c = 0; c < classes; c++) {
    let norm = 0;
    for (let f = 0; f < features; f++) {
      const p = protos[c * features + f]!;
      w1[f * hidden + c] = p;
      norm += p * p;
    }
    b1[c] = -norm / 2 + 64; // shifted positive so Relu keeps the score's order
  }
  const w2 = uniforms(hidden * hidden, random, 0.01);
  for (let c = 0; c < classes; c++) w2[c * hidden + c] = 1;
  const b2 = new Float32Array(hidden);
  const w3 = uniforms(hidden * classes, random, 0.001);
  for (let c = 0; c < classes; c++) w3[c * classes + c] = 1;
  const b3 = new Float32Array(classes);
  return buildOnnxModel({
    producer: 'spare-cycles example-model',
    inputs: [{ name: 'x', dims: ['batch', features] }],
    outputs: [{ name: 'probs', dims: ['batch', classes] }],
    initializers: [
      { name: 'w1', dims: [features, hidden], data: w1 },
      { name: 'b1', dims: [hidden], data: b1 },
      { name: 'w2', dims: [hidden, hidden], data: w2 },
      { name: 'b2', dims: [hidden], data: b2 },
      { name: 'w3', dims: [hidden, classes], data: w3 },
      { name: 'b3', dims: [classes], data: b3 },
    ],
    nodes: [
      { opType: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h1'], name: 'dense1' },
      { opType: 'Relu', inputs: ['h1'], outputs: ['a1'], name: 'relu1' },
      { opType: 'Gemm', inputs: ['a1', 'w2', 'b2'], outputs: ['h2'], name: 'dense2' },
      { opType: 'Relu', inputs: ['h2'], outputs: ['a2'], name: 'relu2' },
      { opType: 'Gemm', inputs: ['a2', 'w3', 'b3'], outputs: ['logits'], name: 'dense3' },
      { opType: 'Softmax', inputs: ['logits'], outputs: ['probs'], name: 'softmax', attributes: { axis: 1 } },
    ],
  });
}

/**
 * `rows` example rows as float32 (rows × features): row i is prototype (i mod classes) plus small
 * noise, so the model should classify it as class i mod classes.
 */
export function exampleRows(rows: number, options: ExampleModelOptions = {}): Float32Array {
  const { features, classes, seed } = { ...DEFAULTS, ...options };
  const protos = prototypes(features, classes, seed);
  const noise = uniforms(rows * features, createPrng([seed, 0x726f7773, rows, 2]), 0.1);
  const out = new Float32Array(rows * features);
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    for (let f = 0; f < features; f++)
      out[i * features + f] = protos[c * features + f]! + noise[i * features + f]!;
  }
  return out;
}

/** `exampleRows` as a `.npy` file, the form's example `x`. */
export function exampleInputNpy(rows: number, options: ExampleModelOptions = {}): Uint8Array {
  const features = options.features ?? DEFAULTS.features;
  return writeNpyArray([rows, features], exampleRows(rows, options));
}

/**
 * A ready-made job for the form's "Use the example" button (read structurally by
 * lib/protocol/kernel-forms.ts, built in the browser on demand).
 */
export interface KernelExample {
  label: string;
  description: string;
  build(): {
    params: Record<string, unknown>;
    inputs: Record<string, { bytes: Uint8Array; summary: string }>;
  };
}

export const onnxExample: KernelExample = {
  label: 'Use the example classifier',
  description:
    'A 10-class MLP classifier (64 features, 86 k weights, built by the project with fixed weights) and 4,096 rows near its class prototypes: row i should be classified as class i mod 10.',
  build() {
    const model = buildExampleModel();
    const x = exampleInputNpy(4096);
    return {
      params: {},
      inputs: {
        model: { bytes: model, summary: `example classifier .onnx (64 → 256 → 256 → 10, softmax)` },
        x: { bytes: x, summary: '4096×64 float32 .npy, rows near the 10 class prototypes' },
      },
    };
  },
};
