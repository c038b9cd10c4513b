import type { ShardSpec } from '@/lib/kernels/kernel';
import type { OnnxShardParams } from '@/lib/kernels/onnx/onnx-params';
import { rowElements } from '@/lib/kernels/onnx/onnx-params';
import { InvalidShardError, KernelError } from './compute-errors';

type Ort = typeof import('onnxruntime-web');
type Session = import('onnxruntime-web').InferenceSession;

/** Where the app serves onnxruntime-web's WebAssembly binary (copied by scripts/copy-ort-wasm.mjs). */
export const ORT_WASM_PATH = '/ort/';

/** Which onnxruntime-web execution provider ran a shard. */
export type OnnxBackend = 'webgpu' | 'wasm';

export interface OnnxRunOutput {
  result: Uint8Array;
  backend: OnnxBackend;
  /** True when this run created the session (a cold start: model parse, kernel compile). */
  coldStart: boolean;
}

/** Sessions kept per worker: a volunteer works on a few jobs at a time. */
const MAX_SESSIONS = 2;

let ortModule: Promise<Ort> | null = null;

/**
 * onnxruntime-web, loaded the first time an `onnx` shard arrives (volunteers who never get one
 * never download it). The default bundle has the WebGPU (JSEP) and WebAssembly backends and needs
 * one `.wasm` file, served from `ORT_WASM_PATH`. One thread: the worker is already off the main
 * thread, and threads would need cross-origin isolation.
 */
export function loadOnnxRuntimeWeb(wasmPaths = ORT_WASM_PATH): Promise<Ort> {
  ortModule ??= import('onnxruntime-web').then((ort) => {
    // Only the binary: a prefix string would make ort import its JavaScript glue from there too,
    // where the bundle already embeds it.
    // (Outside a browser — unit tests in Node — ort finds its files in the package itself.)
    if (globalThis.location) {
      ort.env.wasm.wasmPaths = {
        wasm: new URL(`${wasmPaths}ort-wasm-simd-threaded.jsep.wasm`, globalThis.location.href).href,
      };
    }
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortModule;
}

/**
 * Runs `onnx` shards in onnxruntime-web: the WebGPU execution provider when the worker has
 * WebGPU (and the caller did not force the CPU), WebAssembly otherwise or when WebGPU cannot
 * create the session. Sessions are cached per model SHA-256 and backend.
 */
export class OnnxRunner {
  private readonly sessions = new Map<string, Promise<{ session: Session; backend: OnnxBackend }>>();

  constructor(private readonly hasWebGpu: () => boolean) {}

  async run(shard: ShardSpec<OnnxShardParams>, options: { forceWasm: boolean }): Promise<OnnxRunOutput> {
    const { rows, feeds, output } = shard.params;
    const model = shard.inputs.model;
    if (!model) throw new InvalidShardError('onnx shard has no model input');
    const ort = await loadOnnxRuntimeWeb();
    const wanted: OnnxBackend = options.forceWasm || !this.hasWebGpu() ? 'wasm' : 'webgpu';
    // The model blob was checked against its SHA-256 when it was fetched; params name that digest.
    const key = `${shard.params.modelSha256}/${wanted}`;
    let entry = this.sessions.get(key);
    const coldStart = entry === undefined;
    if (entry) {
      this.sessions.delete(key);
    } else {
      entry = this.createSession(ort, model, wanted);
      entry.catch(() => this.sessions.delete(key));
    }
    this.sessions.set(key, entry);
    this.evict();
    const { session, backend } = await entry;

    const inputs: Record<string, import('onnxruntime-web').Tensor> = {};
    for (const feed of feeds) {
      const bytes = shard.inputs[feed.file];
      const per = rowElements(feed.dims);
      if (!bytes || bytes.length !== rows * per * 4) {
        throw new InvalidShardError(
          `onnx shard input ${feed.file} does not hold ${rows} rows of [${feed.dims.join(', ')}]`,
        );
      }
      const data =
        bytes.byteOffset % 4 === 0
          ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
          : new Float32Array(bytes.slice().buffer);
      inputs[feed.name] = new ort.Tensor('float32', data, [rows, ...feed.dims]);
    }
    let results: Record<string, import('onnxruntime-web').Tensor>;
    try {
      results = await session.run(inputs, [output.name]);
    } catch (error) {
      throw new KernelError(`onnx (${backend}): ${(error as Error).message}`);
    }
    const tensor = results[output.name];
    if (tensor?.type !== 'float32')
      throw new KernelError(`onnx: the model produced no float32 output "${output.name}"`);
    const values = (await tensor.getData()) as Float32Array;
    const result = new Uint8Array(
      values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
    );
    for (const value of Object.values(results)) value.dispose();
    return { result, backend, coldStart };
  }

  /** Drops every session (after a watchdog timeout: the next shard starts afresh). */
  reset(): void {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const entry of all) void entry.then(({ session }) => session.release()).catch(() => undefined);
  }

  private async createSession(ort: Ort, model: Uint8Array, wanted: OnnxBackend) {
    if (wanted === 'webgpu') {
      try {
        const session = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
        return { session, backend: 'webgpu' as const };
      } catch (error) {
        console.warn(
          '[compute worker] onnxruntime-web WebGPU session failed, using WebAssembly:',
          (error as Error).message,
        );
      }
    }
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
      return { session, backend: 'wasm' as const };
    } catch (error) {
      throw new KernelError(`onnx: onnxruntime-web could not load the model: ${(error as Error).message}`);
    }
  }

  private evict(): void {
    for (const [key, entry] of this.sessions) {
      if (this.sessions.size <= MAX_SESSIONS) break;
      this.sessions.delete(key);
      void entry.then(({ session }) => session.release()).catch(() => undefined);
    }
  }
}
