/**
 * Runs a model on the server with onnxruntime-node, for verification only. The runtime is loaded
 * lazily, with an import the bundlers leave alone, so neither the browser worker (which imports
 * this kernel through the registry) nor a server route that never verifies an `onnx` shard pulls
 * in the native binding. Sessions are cached by the model's SHA-256: every shard of a job carries
 * the same model.
 */
import type * as OrtNode from 'onnxruntime-node';

type OrtModule = typeof OrtNode;

/** A float32 feed: `rows` rows of shape `dims` each, C order. */
export interface OnnxFeed {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** The model could not be run on this server (no runtime, or the runtime refused the model). */
export class OnnxServerUnavailableError extends Error {
  override readonly name = 'OnnxServerUnavailableError';
}

let runtime: Promise<OrtModule | null> | null = null;

/** onnxruntime-node, or null where it cannot load (a browser, a platform without the binary). */
export function loadOnnxRuntimeNode(): Promise<OrtModule | null> {
  if (typeof process === 'undefined' || !process.versions?.node) return Promise.resolve(null);
  runtime ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'onnxruntime-node').then(
    (module: OrtModule & { default?: OrtModule }) =>
      module.InferenceSession ? module : (module.default ?? null),
    () => null,
  );
  return runtime;
}

const MAX_SESSIONS = 4;
const sessions = new Map<string, Promise<OrtNode.InferenceSession>>();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The cached session for `model`, under `sha256` when the caller knows it (shard params carry it),
 * else hashed here. Throws `OnnxServerUnavailableError` when it cannot be created.
 */
export async function onnxNodeSession(model: Uint8Array, sha256?: string): Promise<OrtNode.InferenceSession> {
  const ort = await loadOnnxRuntimeNode();
  if (!ort) throw new OnnxServerUnavailableError('onnxruntime-node is not available on this server');
  const key = sha256 ?? (await sha256Hex(model));
  let session = sessions.get(key);
  if (session) {
    sessions.delete(key);
    sessions.set(key, session);
    return session;
  }
  session = ort.InferenceSession.create(model, {
    // Verification runs in a pool of worker threads: one thread per session keeps the pool's budget honest.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  }).catch((error: Error) => {
    sessions.delete(key);
    throw new OnnxServerUnavailableError(`onnxruntime-node could not load the model: ${error.message}`);
  });
  sessions.set(key, session);
  for (const [oldest, evicted] of sessions) {
    if (sessions.size <= MAX_SESSIONS) break;
    sessions.delete(oldest);
    void evicted.then((s) => s.release()).catch(() => undefined);
  }
  return session;
}

/**
 * Runs `rows` rows through the model and returns output `output` as float32, C order.
 * @example await runOnnxNode(model, [{ name: 'x', dims: [64], data }], 'probs', 10)
 */
export async function runOnnxNode(
  model: Uint8Array,
  feeds: readonly OnnxFeed[],
  output: string,
  rows: number,
  modelSha256?: string,
): Promise<Float32Array> {
  const ort = await loadOnnxRuntimeNode();
  const session = await onnxNodeSession(model, modelSha256);
  if (!ort) throw new OnnxServerUnavailableError('onnxruntime-node is not available on this server');
  const inputs: Record<string, OrtNode.Tensor> = {};
  for (const feed of feeds) inputs[feed.name] = new ort.Tensor('float32', feed.data, [rows, ...feed.dims]);
  const results = await session.run(inputs, [output]);
  const tensor = results[output];
  if (tensor?.type !== 'float32')
    throw new OnnxServerUnavailableError(`the model produced no float32 output "${output}"`);
  return tensor.data as Float32Array;
}
