import { f32ToLe } from '../f32-le';
import { bytesToHex } from '../hex';
import { type JobSpec, KernelInputError, type ShardSpec } from '../kernel';
import { type NpyArray, parseNpyArray } from '../npy';
import { parseParams } from '../parse-params';
import { sha256 } from '../sha256';
import {
  ONNX_ELEM_TYPES,
  ONNX_FLOAT,
  type OnnxDim,
  readOnnxModel,
  unsupportedOperators,
} from './onnx-model-info';
import {
  defaultOnnxRowsPerShard,
  ONNX_DEFAULT_ATOL,
  ONNX_DEFAULT_RTOL,
  ONNX_INPUT_FILES,
  ONNX_MAX_INPUT_BYTES,
  ONNX_MAX_MODEL_BYTES,
  ONNX_MAX_OUTPUT_ROW,
  ONNX_MAX_ROWS,
  ONNX_MAX_SHARD_INPUT_BYTES,
  ONNX_MAX_SHARD_RESULT_BYTES,
  ONNX_MAX_SHARDS,
  type OnnxJobParams,
  type OnnxShardParams,
  onnxJobParamsSchema,
  rowElements,
} from './onnx-params';

const describeDims = (dims: readonly OnnxDim[]) => `[${dims.map((d) => d ?? '?').join(', ')}]`;

/** What `split` worked out about a job before cutting it into shards (also used by tests). */
export interface OnnxJobPlan {
  rows: number;
  feeds: OnnxShardParams['feeds'];
  arrays: NpyArray[];
  output: OnnxShardParams['output'];
  rowsPerShard: number;
  flopsPerRow: number;
  rtol: number;
  atol: number;
}

/**
 * Validates an `onnx` job against its model — the model parses, uses only operators the browser
 * runtime runs, its inputs are float32 with a dynamic batch axis and match the uploaded arrays,
 * its output has a known row shape — and plans the shards. Every problem is a `KernelInputError`
 * naming the field (`inputs.model`, `inputs.x`, `params.output`) and what to change.
 */
export function planOnnxJob(job: JobSpec<unknown>): OnnxJobPlan {
  const params: OnnxJobParams = parseParams(onnxJobParamsSchema, job.params);
  for (const name of Object.keys(job.inputs)) {
    if (name !== 'model' && !(ONNX_INPUT_FILES as readonly string[]).includes(name)) {
      throw new KernelInputError(
        `inputs.${name}`,
        `unexpected input ${name}: onnx takes model (.onnx) and x (.npy), plus x2…x4 for models with more inputs`,
      );
    }
  }
  const model = job.inputs.model;
  if (!model) throw new KernelInputError('inputs.model', 'model is missing: upload the .onnx file as model');
  if (model.length > ONNX_MAX_MODEL_BYTES) {
    throw new KernelInputError(
      'inputs.model',
      `model is ${model.length} bytes; at most ${ONNX_MAX_MODEL_BYTES} (16 MiB) are allowed: quantize or prune it`,
    );
  }
  const info = readOnnxModel(model);
  const unsupported = unsupportedOperators(info);
  if (unsupported.length > 0) {
    const list = unsupported
      .map(
        (op) =>
          `${op.domain && op.domain !== 'ai.onnx' ? `${op.domain}::` : ''}${op.opType} (node ${op.node})`,
      )
      .join(', ');
    throw new KernelInputError(
      'inputs.model',
      `model uses operators the browser runtime (onnxruntime-web) cannot run: ${list}; re-export without them (standard ai.onnx operators only)`,
    );
  }
  if (info.inputs.length === 0) throw new KernelInputError('inputs.model', 'model has no inputs to feed');
  if (info.inputs.length > ONNX_INPUT_FILES.length) {
    throw new KernelInputError(
      'inputs.model',
      `model has ${info.inputs.length} inputs; at most ${ONNX_INPUT_FILES.length} are supported (files x, x2, x3, x4)`,
    );
  }
  for (const file of ONNX_INPUT_FILES.slice(info.inputs.length)) {
    if (job.inputs[file]) {
      throw new KernelInputError(
        `inputs.${file}`,
        `model has ${info.inputs.length} input${info.inputs.length === 1 ? '' : 's'} (${info.inputs.map((i) => i.name).join(', ')}); there is nothing to feed ${file} to: remove it`,
      );
    }
  }

  // Symbolic dims (batch, sequence) resolved from the arrays, to size outputs that share them.
  const symbols = new Map<string, number>();
  let batchSymbol: string | null = null;
  const arrays: NpyArray[] = [];
  const feeds: OnnxShardParams['feeds'] = [];
  let rows = -1;
  for (const [index, input] of info.inputs.entries()) {
    const file = ONNX_INPUT_FILES[index]!;
    const field = `inputs.${file}`;
    const bytes = job.inputs[file];
    if (!bytes) {
      throw new KernelInputError(
        field,
        `${file} is missing: the model's input #${index + 1} "${input.name}" ${describeDims(input.dims ?? [])} needs it as .npy <f4`,
      );
    }
    if (bytes.length > ONNX_MAX_INPUT_BYTES) {
      throw new KernelInputError(
        field,
        `${file} is ${bytes.length} bytes; at most ${ONNX_MAX_INPUT_BYTES} (64 MiB) are allowed: split the batch into several jobs`,
      );
    }
    if (input.elemType !== ONNX_FLOAT) {
      throw new KernelInputError(
        'inputs.model',
        `model input "${input.name}" is ${ONNX_ELEM_TYPES[input.elemType] ?? `type ${input.elemType}`}; the onnx kernel feeds float32 arrays only: add a Cast after a float32 input`,
      );
    }
    const array = parseNpyArray(bytes, field);
    if (array.shape.length === 0)
      throw new KernelInputError(field, `${file} is 0-D; the batch must be its first axis`);
    const dims = input.dims;
    if (dims !== null && dims.length !== array.shape.length) {
      throw new KernelInputError(
        field,
        `${file} has shape (${array.shape.join(', ')}) but the model's input "${input.name}" is ${dims.length}-D ${describeDims(dims)}: reshape the array`,
      );
    }
    const first = dims?.[0] ?? null;
    if (typeof first === 'number') {
      throw new KernelInputError(
        'inputs.model',
        `model input "${input.name}" has a fixed batch size ${first}; export it with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={"${input.name}": {0: "batch"}}))`,
      );
    }
    if (typeof first === 'string') batchSymbol ??= first;
    for (let d = 1; d < array.shape.length; d++) {
      const expected = dims?.[d] ?? null;
      const actual = array.shape[d]!;
      if (typeof expected === 'number' && expected !== actual) {
        throw new KernelInputError(
          field,
          `${file} has shape (${array.shape.join(', ')}) but the model's input "${input.name}" is ${describeDims(dims!)}: axis ${d} must be ${expected}, not ${actual}`,
        );
      }
      if (typeof expected === 'string') {
        const known = symbols.get(expected);
        if (known !== undefined && known !== actual) {
          throw new KernelInputError(
            field,
            `${file} axis ${d} ("${expected}") is ${actual} but another input has ${expected} = ${known}: make them agree`,
          );
        }
        symbols.set(expected, actual);
      }
    }
    const n = array.shape[0]!;
    if (n === 0) throw new KernelInputError(field, `${file} has no rows: the batch (first axis) is empty`);
    if (rows !== -1 && n !== rows) {
      throw new KernelInputError(
        field,
        `${file} has ${n} rows but x has ${rows}: every array needs the same batch size`,
      );
    }
    if (n > ONNX_MAX_ROWS)
      throw new KernelInputError(field, `${file} has ${n} rows; at most ${ONNX_MAX_ROWS} per job`);
    rows = n;
    arrays.push(array);
    feeds.push({ file, name: input.name, dims: array.shape.slice(1) });
  }

  if (info.outputs.length === 0) throw new KernelInputError('inputs.model', 'model has no outputs');
  const output =
    params.output === undefined ? info.outputs[0]! : info.outputs.find((o) => o.name === params.output);
  if (!output) {
    throw new KernelInputError(
      'params.output',
      `model has no output "${params.output}"; its outputs are ${info.outputs.map((o) => o.name).join(', ')}`,
    );
  }
  const outputField = params.output === undefined ? 'inputs.model' : 'params.output';
  if (output.elemType !== ONNX_FLOAT) {
    throw new KernelInputError(
      outputField,
      `model output "${output.name}" is ${ONNX_ELEM_TYPES[output.elemType] ?? 'not a float32 tensor'}; results are float32 rows: pick a float32 output (params.output) or add a Cast`,
    );
  }
  if (output.dims === null || output.dims.length === 0) {
    throw new KernelInputError(
      outputField,
      `model output "${output.name}" declares no shape; declare [batch, …] in the graph output (onnx.shape_inference can add it)`,
    );
  }
  const [outFirst, ...outRest] = output.dims;
  if (
    typeof outFirst === 'number' ||
    (outFirst !== null && batchSymbol !== null && outFirst !== batchSymbol)
  ) {
    throw new KernelInputError(
      outputField,
      `model output "${output.name}" ${describeDims(output.dims)} does not have the batch on its first axis; its rows must match the input rows`,
    );
  }
  const outDims = outRest.map((dim, d) => {
    const size = typeof dim === 'string' ? symbols.get(dim) : dim;
    if (typeof size !== 'number') {
      throw new KernelInputError(
        outputField,
        `model output "${output.name}" ${describeDims(output.dims!)} has axis ${d + 1} of unknown size; declare it (a number, or a name shared with an input axis)`,
      );
    }
    return size;
  });
  const outputRow = rowElements(outDims);
  if (outputRow > ONNX_MAX_OUTPUT_ROW) {
    throw new KernelInputError(
      outputField,
      `model output rows have ${outputRow} elements; at most ${ONNX_MAX_OUTPUT_ROW} are allowed`,
    );
  }

  const inputRowBytes = Math.max(...feeds.map((feed) => rowElements(feed.dims) * 4));
  const fitting = Math.max(
    1,
    Math.min(
      Math.floor(ONNX_MAX_SHARD_INPUT_BYTES / inputRowBytes),
      Math.floor(ONNX_MAX_SHARD_RESULT_BYTES / (outputRow * 4)),
    ),
  );
  // Every weight is used at least once per row (exact for dense layers, a lower bound for
  // convolutions, whose spatial size is not known without shape inference).
  const flopsPerRow = 2 * info.weightElements + rowElements(feeds[0]!.dims) + outputRow;
  const rowsPerShard = Math.min(params.rowsPerShard ?? defaultOnnxRowsPerShard(flopsPerRow), fitting, rows);
  if (params.rowsPerShard !== undefined && params.rowsPerShard > fitting) {
    throw new KernelInputError(
      'params.rowsPerShard',
      `rowsPerShard ${params.rowsPerShard} makes shards larger than ${ONNX_MAX_SHARD_INPUT_BYTES / 2 ** 20} MiB of input or ${ONNX_MAX_SHARD_RESULT_BYTES / 2 ** 20} MiB of output; at most ${fitting} rows fit`,
    );
  }
  const shardCount = Math.ceil(rows / rowsPerShard);
  if (shardCount > ONNX_MAX_SHARDS) {
    throw new KernelInputError(
      'params.rowsPerShard',
      `${rows} rows in shards of ${rowsPerShard} make ${shardCount} shards; at most ${ONNX_MAX_SHARDS}: raise rowsPerShard`,
    );
  }
  return {
    rows,
    feeds,
    arrays,
    output: { name: output.name, dims: outDims },
    rowsPerShard,
    flopsPerRow,
    rtol: params.rtol ?? ONNX_DEFAULT_RTOL,
    atol: params.atol ?? ONNX_DEFAULT_ATOL,
  };
}

/** Cuts a planned job into shards of `rowsPerShard` rows (the last one shorter). */
export function splitOnnxJob(job: JobSpec<unknown>): ShardSpec<OnnxShardParams>[] {
  const plan = planOnnxJob(job);
  const model = job.inputs.model!;
  const modelSha256 = bytesToHex(sha256(model));
  const shards: ShardSpec<OnnxShardParams>[] = [];
  for (let row0 = 0; row0 < plan.rows; row0 += plan.rowsPerShard) {
    const rows = Math.min(plan.rowsPerShard, plan.rows - row0);
    const inputs: Record<string, Uint8Array> = { model };
    plan.feeds.forEach((feed, i) => {
      const per = rowElements(feed.dims);
      inputs[feed.file] = f32ToLe(plan.arrays[i]!.data.subarray(row0 * per, (row0 + rows) * per));
    });
    shards.push({
      params: {
        modelSha256,
        row0,
        rows,
        feeds: plan.feeds,
        output: plan.output,
        rtol: plan.rtol,
        atol: plan.atol,
        flopsPerRow: plan.flopsPerRow,
      },
      inputs,
    });
  }
  return shards;
}
