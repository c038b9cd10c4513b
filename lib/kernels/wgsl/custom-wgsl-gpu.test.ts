import { describe, expect, it } from 'vitest';
import example from '../../../shaders/custom-wgsl-example.wgsl';
import { bytesToHex } from '../hex';
import { WGSL_SHARD_INFO_BYTES, wgslDispatch, wgslShardInfo } from './custom-wgsl-gpu';
import type { WgslShardParams } from './custom-wgsl-params';

const params: WgslShardParams = {
  shardIndex: 3,
  shardCount: 5,
  workgroups: [7, 2, 1],
  workgroupSize: [64, 1, 1],
  inputBytes: 10,
  outputBytes: 4096,
  comparison: 'exact',
};
const code = new TextEncoder().encode(example);
const input = Uint8Array.from({ length: 12 }, (_, i) => (i < 10 ? i + 1 : 0));

describe('wgslShardInfo', () => {
  it('packs shardIndex, shardCount, inputBytes, outputBytes as u32 LE', () => {
    const bytes = wgslShardInfo(params);
    expect(bytes.length).toBe(WGSL_SHARD_INFO_BYTES);
    expect(Array.from(new Uint32Array(bytes.buffer))).toEqual([3, 5, 10, 4096]);
  });
});

describe('wgslDispatch', () => {
  it('binds input, output and shard info in ABI order and runs main with the job workgroups', () => {
    const dispatch = wgslDispatch({ params, inputs: { code, input } });
    expect(dispatch.code).toBe(example);
    expect(dispatch.entryPoint).toBe('main');
    expect(dispatch.workgroups).toEqual([7, 2, 1]);
    expect(dispatch.buffers).toEqual([
      { usage: 'read', data: input },
      { usage: 'readwrite', size: 4096 },
      { usage: 'uniform', data: wgslShardInfo(params) },
    ]);
    expect(dispatch.readback).toEqual({ buffer: 1, bytes: 4096 });
    const out = Uint8Array.from({ length: 4096 }, (_, i) => i % 256);
    expect(dispatch.finish(out).every((byte, i) => byte === out[i])).toBe(true);
    expect(() => dispatch.finish(out.subarray(4))).toThrow(RangeError);
  });

  it('binds one zero word for an empty input (WebGPU binds no empty buffer), inputBytes 0', () => {
    const dispatch = wgslDispatch({
      params: { ...params, inputBytes: 0 },
      inputs: { code, input: new Uint8Array(0) },
    });
    expect(dispatch.buffers[0]).toEqual({ usage: 'read', data: new Uint8Array(4) });
    expect(new Uint32Array((dispatch.buffers[2] as { data: Uint8Array }).data.buffer)[2]).toBe(0);
  });

  it('keys the pipeline by the SHA-256 of the code, so different code never shares one', async () => {
    const key = wgslDispatch({ params, inputs: { code, input } }).shaderKey;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', code));
    expect(key).toBe(`wgsl/${bytesToHex(digest)}`);
    const other = new TextEncoder().encode(`${example}\n`);
    expect(wgslDispatch({ params, inputs: { code: other, input } }).shaderKey).not.toBe(key);
  });

  it('throws on a lease whose input does not fit its params', () => {
    expect(() => wgslDispatch({ params, inputs: { code, input: new Uint8Array(8) } })).toThrow(RangeError);
    expect(() => wgslDispatch({ params, inputs: { input } })).toThrow(/no "code" input/);
  });
});
