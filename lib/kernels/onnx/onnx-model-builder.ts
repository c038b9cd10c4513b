import type { OnnxDim } from './onnx-model-info';
import { ProtoWriter } from './protobuf-wire';

/**
 * Writes small ONNX models (ModelProto, IR version 8) from plain data: the project's example
 * model, and the test models that attack validation. Only float32 initializers and int/float
 * attributes, which is all a dense network needs.
 */
export interface OnnxNodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, number | { float: number }>;
}

export interface OnnxModelSpec {
  inputs: { name: string; dims: OnnxDim[] | null; elemType?: number }[];
  outputs: { name: string; dims: OnnxDim[] | null; elemType?: number }[];
  nodes: OnnxNodeSpec[];
  initializers: { name: string; dims: number[]; data: Float32Array }[];
  opset?: number;
  producer?: string;
}

// AttributeProto.AttributeType
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

function valueInfo(writer: ProtoWriter, value: OnnxModelSpec['inputs'][number]): void {
  writer.string(1, value.name).message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.uint(1, value.elemType ?? 1);
      if (value.dims !== null) {
        tensor.message(2, (shape) => {
          for (const dim of value.dims!) {
            shape.message(1, (d) => {
              if (typeof dim === 'number') d.uint(1, dim);
              else if (typeof dim === 'string') d.string(2, dim);
            });
          }
        });
      }
    }),
  );
}

/** Serializes `spec` as an `.onnx` file. */
export function buildOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model = new ProtoWriter();
  model.uint(1, 8); // ir_version
  model.string(2, spec.producer ?? 'spare-cycles');
  model.message(7, (graph) => {
    for (const [index, node] of spec.nodes.entries()) {
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, node.name ?? `${node.opType.toLowerCase()}_${index}`);
        n.string(4, node.opType);
        for (const [name, value] of Object.entries(node.attributes ?? {})) {
          n.message(5, (attribute) => {
            attribute.string(1, name);
            if (typeof value === 'number') attribute.uint(3, value).uint(20, ATTRIBUTE_INT);
            else attribute.float(2, value.float).uint(20, ATTRIBUTE_FLOAT);
          });
        }
        if (node.domain) n.string(7, node.domain);
      });
    }
    graph.string(2, 'main');
    for (const initializer of spec.initializers) {
      graph.message(5, (tensor) => {
        for (const dim of initializer.dims) tensor.uint(1, dim);
        tensor.uint(2, 1); // FLOAT
        tensor.string(8, initializer.name);
        const raw = new Uint8Array(initializer.data.length * 4);
        const view = new DataView(raw.buffer);
        for (const [i, value] of initializer.data.entries()) view.setFloat32(4 * i, value, true);
        tensor.bytes(9, raw);
      });
    }
    for (const input of spec.inputs) graph.message(11, (w) => valueInfo(w, input));
    for (const output of spec.outputs) graph.message(12, (w) => valueInfo(w, output));
  });
  model.message(8, (opset) => opset.string(1, '').uint(2, spec.opset ?? 17));
  return model.finish();
}
