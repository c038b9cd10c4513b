import { KernelInputError } from '../kernel';
import { ONNX_MAX_OPSET, ONNX_MIN_OPSET, ONNX_SUPPORTED_OPERATORS } from './onnx-operators';
import {
  fieldMessages,
  fieldString,
  fieldVarint,
  ProtobufError,
  type ProtoField,
  readFields,
  readPackedVarints,
} from './protobuf-wire';

/**
 * What the `onnx` kernel needs to know about a model, read straight from its protobuf (ONNX
 * `onnx.proto` field numbers): the graph's inputs and outputs with their element types and
 * shapes, the operators it uses, and the size of its weights. Synchronous and pure, so `split`
 * validates a model without loading a runtime.
 */

/** `TensorProto.DataType` values we name in messages. */
export const ONNX_ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};
export const ONNX_FLOAT = 1;

/** One dimension: a fixed size, a symbolic name (`batch`), or unknown. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** `TensorProto.DataType`; 0 when the model does not say (or the value is not a tensor). */
  elemType: number;
  /** Null when the model declares no shape (rank unknown). */
  dims: OnnxDim[] | null;
}

export interface OnnxModelInfo {
  irVersion: number;
  /** The `ai.onnx` opset the model imports. */
  opset: number;
  /** Graph inputs that are not initializers: what the caller must feed. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Every operator used, with the node that first uses it, subgraphs included. */
  operators: { opType: string; domain: string; node: string }[];
  /** Elements in all initializers: the weights. */
  weightElements: number;
}

// onnx.proto field numbers.
const MODEL = { irVersion: 1, opsetImport: 8, graph: 7, functions: 25 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15, input: 11, output: 12 } as const;
const NODE = { name: 3, opType: 4, domain: 7, attribute: 5 } as const;
const ATTRIBUTE = { t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
const TENSOR = { dims: 1, name: 8, externalData: 13, dataLocation: 14 } as const;
const SPARSE = { values: 1, indices: 2 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensor: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIM = { value: 1, param: 2 } as const;

const FIELD = 'inputs.model';

function fail(message: string): never {
  throw new KernelInputError(FIELD, `model ${message}`);
}

function decode(bytes: Uint8Array, what: string): ProtoField[] {
  try {
    return readFields(bytes);
  } catch (error) {
    if (error instanceof ProtobufError) {
      return fail(
        `is not a valid ONNX file (${what}: ${error.message}): export it again with torch.onnx.export or onnx.save`,
      );
    }
    throw error;
  }
}

function readValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const fields = decode(bytes, 'value info');
  const name = fieldString(fields, VALUE_INFO.name) ?? '';
  const type = fieldMessages(fields, VALUE_INFO.type)[0];
  const tensor = type ? fieldMessages(decode(type, 'type'), TYPE.tensor)[0] : undefined;
  if (!tensor) return { name, elemType: 0, dims: null };
  const tensorFields = decode(tensor, 'tensor type');
  const elemType = fieldVarint(tensorFields, TENSOR_TYPE.elemType) ?? 0;
  const shape = fieldMessages(tensorFields, TENSOR_TYPE.shape)[0];
  if (!shape) return { name, elemType, dims: null };
  const dims = fieldMessages(decode(shape, 'shape'), SHAPE.dim).map((dim): OnnxDim => {
    const dimFields = decode(dim, 'dimension');
    const value = fieldVarint(dimFields, DIM.value);
    // A negative dim_value (10-byte varint) reads as > 2^53: treat it, like 0, as unknown.
    if (value !== undefined && value > 0 && value <= Number.MAX_SAFE_INTEGER / 2) return value;
    return fieldString(dimFields, DIM.param) ?? null;
  });
  return { name, elemType, dims };
}

function checkTensor(bytes: Uint8Array, where: string): number {
  const fields = decode(bytes, 'tensor');
  if (
    fieldMessages(fields, TENSOR.externalData).length > 0 ||
    fieldVarint(fields, TENSOR.dataLocation) === 1
  ) {
    const name = fieldString(fields, TENSOR.name) ?? where;
    fail(
      `stores tensor "${name}" in external data, which cannot be uploaded: save it as one file (onnx.save(model, path, save_as_external_data=False); models up to the size limit fit)`,
    );
  }
  return readPackedVarints(fields, TENSOR.dims).reduce((product, dim) => product * dim, 1);
}

interface GraphWalk {
  operators: OnnxModelInfo['operators'];
  weightElements: number;
  depth: number;
}

function walkGraph(bytes: Uint8Array, walk: GraphWalk): ProtoField[] {
  if (walk.depth > 16) fail('nests subgraphs more than 16 deep');
  const fields = decode(bytes, 'graph');
  for (const tensor of fieldMessages(fields, GRAPH.initializer)) {
    walk.weightElements += checkTensor(tensor, 'initializer');
  }
  for (const sparse of fieldMessages(fields, GRAPH.sparseInitializer)) {
    const sparseFields = decode(sparse, 'sparse initializer');
    for (const part of [SPARSE.values, SPARSE.indices]) {
      for (const tensor of fieldMessages(sparseFields, part)) checkTensor(tensor, 'sparse initializer');
    }
  }
  for (const [index, node] of fieldMessages(fields, GRAPH.node).entries()) {
    const nodeFields = decode(node, 'node');
    const opType = fieldString(nodeFields, NODE.opType) ?? '';
    const domain = fieldString(nodeFields, NODE.domain) ?? '';
    const name = fieldString(nodeFields, NODE.name) || `#${index}`;
    walk.operators.push({ opType, domain, node: name });
    for (const attribute of fieldMessages(nodeFields, NODE.attribute)) {
      const attributeFields = decode(attribute, 'attribute');
      for (const tensor of [
        ...fieldMessages(attributeFields, ATTRIBUTE.t),
        ...fieldMessages(attributeFields, ATTRIBUTE.tensors),
      ]) {
        checkTensor(tensor, `attribute of node ${name}`);
      }
      for (const sparse of [
        ...fieldMessages(attributeFields, ATTRIBUTE.sparseTensor),
        ...fieldMessages(attributeFields, ATTRIBUTE.sparseTensors),
      ]) {
        const sparseFields = decode(sparse, 'sparse tensor');
        for (const part of [SPARSE.values, SPARSE.indices]) {
          for (const tensor of fieldMessages(sparseFields, part)) checkTensor(tensor, `node ${name}`);
        }
      }
      for (const graph of [
        ...fieldMessages(attributeFields, ATTRIBUTE.g),
        ...fieldMessages(attributeFields, ATTRIBUTE.graphs),
      ]) {
        walkGraph(graph, { ...walk, depth: walk.depth + 1 });
      }
    }
  }
  return fields;
}

/**
 * Reads `bytes` as an ONNX model. Throws `KernelInputError` on `inputs.model` when it is not a
 * model, has no graph, stores weights as external data, or imports an opset outside what
 * onnxruntime 1.30 runs. Does not judge operators: see `unsupportedOperators`.
 */
export function readOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  if (bytes.length === 0) fail('is empty: upload the .onnx file');
  const fields = decode(bytes, 'model');
  const irVersion = fieldVarint(fields, MODEL.irVersion);
  const graph = fieldMessages(fields, MODEL.graph)[0];
  if (irVersion === undefined || graph === undefined) {
    fail('is not an ONNX ModelProto (no ir_version or graph): upload the .onnx file itself');
  }
  if (fieldMessages(fields, MODEL.functions).length > 0) {
    fail(
      'defines model-local functions, which are not supported: inline them (onnx.inliner.inline_local_functions)',
    );
  }
  let opset: number | undefined;
  for (const entry of fieldMessages(fields, MODEL.opsetImport)) {
    const entryFields = decode(entry, 'opset import');
    const domain = fieldString(entryFields, OPSET.domain) ?? '';
    if (domain === '' || domain === 'ai.onnx') opset = fieldVarint(entryFields, OPSET.version);
  }
  if (opset === undefined) fail('imports no ai.onnx opset: export it with an opset between 7 and 23');
  if (opset < ONNX_MIN_OPSET || opset > ONNX_MAX_OPSET) {
    fail(
      `uses ai.onnx opset ${opset}; the browser runtime (onnxruntime-web 1.30) runs opsets ${ONNX_MIN_OPSET}–${ONNX_MAX_OPSET}: export with opset_version=17`,
    );
  }
  const walk: GraphWalk = { operators: [], weightElements: 0, depth: 0 };
  const graphFields = walkGraph(graph, walk);
  const initializers = new Set(
    fieldMessages(graphFields, GRAPH.initializer).map(
      (tensor) => fieldString(decode(tensor, 'tensor'), TENSOR.name) ?? '',
    ),
  );
  const inputs = fieldMessages(graphFields, GRAPH.input)
    .map(readValueInfo)
    .filter((input) => !initializers.has(input.name));
  const outputs = fieldMessages(graphFields, GRAPH.output).map(readValueInfo);
  return {
    irVersion,
    opset,
    inputs,
    outputs,
    operators: walk.operators,
    weightElements: walk.weightElements,
  };
}

/** Operators of `info` the browser runtime does not run, each once with the first node using it. */
export function unsupportedOperators(info: OnnxModelInfo): OnnxModelInfo['operators'] {
  const seen = new Set<string>();
  const unsupported: OnnxModelInfo['operators'] = [];
  for (const op of info.operators) {
    const standard = op.domain === '' || op.domain === 'ai.onnx';
    const key = `${op.domain}/${op.opType}`;
    if ((!standard || !ONNX_SUPPORTED_OPERATORS.has(op.opType)) && !seen.has(key)) {
      seen.add(key);
      unsupported.push(op);
    }
  }
  return unsupported;
}
