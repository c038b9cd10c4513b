// Copies onnxruntime-web's WebAssembly binary to public/ort/, where the compute worker loads it
// (workers/onnx-runner.ts sets ort.env.wasm.wasmPaths = '/ort/'). Run by postinstall, predev and
// prebuild; the copy is git-ignored (28 MB). The default onnxruntime-web bundle embeds its
// JavaScript glue and needs only this one file, for both the WebGPU (JSEP) and WebAssembly backends.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const target = path.join(root, 'public', 'ort');
mkdirSync(target, { recursive: true });
for (const file of ['ort-wasm-simd-threaded.jsep.wasm']) {
  const from = path.join(dist, file);
  const to = path.join(target, file);
  if (
    existsSync(to) &&
    statSync(to).size === statSync(from).size &&
    statSync(to).mtimeMs >= statSync(from).mtimeMs
  )
    continue;
  copyFileSync(from, to);
  console.log(`copied ${file} to public/ort/`);
}
