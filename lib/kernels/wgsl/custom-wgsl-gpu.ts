import type { GpuDispatch } from '../gpu';
import { bytesToHex } from '../hex';
import type { ShardSpec } from '../kernel';
import { sha256 } from '../sha256';
import type { WgslShardParams } from './custom-wgsl-params';

/** Bytes of the ABI's `ShardInfo` uniform: four u32. */
export const WGSL_SHARD_INFO_BYTES = 16;

/** Packs `ShardInfo` little-endian: shardIndex, shardCount, inputBytes, outputBytes. */
export function wgslShardInfo(params: WgslShardParams): Uint8Array {
  const bytes = new Uint8Array(WGSL_SHARD_INFO_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, params.shardIndex, true);
  view.setUint32(4, params.shardCount, true);
  view.setUint32(8, params.inputBytes, true);
  view.setUint32(12, params.outputBytes, true);
  return bytes;
}

function shardInput(shard: ShardSpec<WgslShardParams>, name: 'code' | 'input'): Uint8Array {
  const bytes = shard.inputs[name];
  if (bytes === undefined) throw new RangeError(`the wgsl shard has no "${name}" input`);
  return bytes;
}

/**
 * The submitter's dispatch, exactly the ABI: binding 0 = the input (at least 4 bytes: WebGPU
 * binds no empty buffer, so an empty input is one zero word while `inputBytes` says 0), binding 1
 * = the zero-filled output of `outputBytes`, binding 2 = `ShardInfo`; entry point `main` with the
 * job's workgroup counts; the output read back whole is the result. The pipeline key is the code's
 * SHA-256, so two jobs can never share a cached pipeline unless their code is identical.
 */
export function wgslDispatch(shard: ShardSpec<WgslShardParams>): GpuDispatch {
  const { workgroups, inputBytes, outputBytes } = shard.params;
  const codeBytes = shardInput(shard, 'code');
  const input = shardInput(shard, 'input');
  if (input.length !== Math.ceil(inputBytes / 4) * 4) {
    throw new RangeError(
      `input is ${input.length} bytes; inputBytes ${inputBytes} padded to 4 needs ${Math.ceil(inputBytes / 4) * 4}`,
    );
  }
  return {
    shaderKey: `wgsl/${bytesToHex(sha256(codeBytes))}`,
    code: new TextDecoder().decode(codeBytes),
    entryPoint: 'main',
    buffers: [
      { usage: 'read', data: input.length > 0 ? input : new Uint8Array(4) },
      { usage: 'readwrite', size: outputBytes },
      { usage: 'uniform', data: wgslShardInfo(shard.params) },
    ],
    workgroups: [workgroups[0], workgroups[1], workgroups[2]],
    readback: { buffer: 1, bytes: outputBytes },
    finish(readback) {
      if (readback.length !== outputBytes) {
        throw new RangeError(`read back ${readback.length} bytes; outputBytes is ${outputBytes}`);
      }
      return readback.slice();
    },
  };
}
