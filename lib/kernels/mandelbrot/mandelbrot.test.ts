import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { type JobSpec, KernelInputError } from '../kernel';
import { MANDELBROT_OPS_PER_ITERATION, mandelbrot } from './mandelbrot';
import { mandelbrotDispatch } from './mandelbrot-gpu';
import type { MandelbrotJobParams } from './mandelbrot-params';
import { mandelbrotColourIndex, mandelbrotPalette } from './mandelbrot-png';

const view = { centerX: -0.5, centerY: 0, scale: 3, maxIter: 200 };

function split(params: Partial<MandelbrotJobParams> & { width: number; height: number }) {
  return mandelbrot.split({ params: { ...view, ...params }, inputs: {} });
}

const counts = (bytes: Uint8Array) => new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);

describe('mandelbrot.split', () => {
  it.each([
    [1, 1, undefined],
    [7, 3, undefined],
    [257, 255, undefined],
    [300, 200, 64],
    [1000, 17, 16],
    [8192, 16, 1024],
  ])('covers a %i × %i image exactly once (tile %s)', (width, height, tileSize) => {
    const shards = split({ width, height, tileSize });
    const covered = new Uint8Array(width * height);
    for (const { params, inputs } of shards) {
      expect(mandelbrot.shardParamsSchema.parse(params)).toEqual(params);
      expect(inputs).toEqual({});
      expect(params).toMatchObject({ width, height, ...view });
      for (let y = params.y0; y < params.y0 + params.h; y++) {
        for (let x = params.x0; x < params.x0 + params.w; x++) covered[y * width + x]!++;
      }
    }
    expect(covered.every((count) => count === 1)).toBe(true);
    const edge = tileSize ?? 256;
    expect(shards).toHaveLength(Math.ceil(width / edge) * Math.ceil(height / edge));
  });

  it('makes the largest image with the smallest tiles into 65,536 shards', () => {
    expect(split({ width: 4096, height: 4096, tileSize: 16 })).toHaveLength(65_536);
  });
});

function inputError(spec: JobSpec<unknown>): KernelInputError {
  try {
    mandelbrot.split(spec as JobSpec<MandelbrotJobParams>);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    return error as KernelInputError;
  }
  throw new Error('split accepted an invalid job');
}

describe('mandelbrot.split rejects bad jobs with the field to fix', () => {
  const params = { width: 64, height: 64, ...view };

  it.each([
    ['zero width', { width: 0 }, 'params.width', /at least 1/],
    ['width over 8192', { width: 8193 }, 'params.width', /at most 8192/],
    ['fractional height', { height: 2.5 }, 'params.height', /whole number/],
    ['more than 2^24 pixels', { width: 8192, height: 4096 }, 'params.height', /at most 16777216/],
    ['centerX as a string', { centerX: '0' }, 'params.centerX', /finite number/],
    ['centerX far away', { centerX: 10 }, 'params.centerX', /at most 4/],
    ['NaN centerY', { centerY: Number.NaN }, 'params.centerY', /finite number/],
    ['zero scale', { scale: 0 }, 'params.scale', /greater than 0/],
    ['negative scale', { scale: -1 }, 'params.scale', /greater than 0/],
    ['infinite scale', { scale: Number.POSITIVE_INFINITY }, 'params.scale', /finite number|at most/],
    ['too deep a zoom', { scale: 1e-9 }, 'params.scale', /float32/],
    ['zero maxIter', { maxIter: 0 }, 'params.maxIter', /at least 1/],
    ['maxIter over 100000', { maxIter: 100_001 }, 'params.maxIter', /at most 100000/],
    ['tileSize below 16', { tileSize: 8 }, 'params.tileSize', /at least 16/],
    ['tileSize over 1024', { tileSize: 2048 }, 'params.tileSize', /at most 1024/],
    ['missing width', { width: undefined }, 'params.width', /required/],
    ['an unknown parameter', { zoom: 2 }, 'params.zoom', /unknown parameter "zoom"/],
  ])('%s', (_name, change, field, message) => {
    const error = inputError({ params: { ...params, ...change }, inputs: {} });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses params that are not an object, and any input file', () => {
    expect(inputError({ params: 5, inputs: {} }).field).toBe('params');
    expect(inputError({ params, inputs: { a: new Uint8Array(4) } }).field).toBe('inputs.a');
  });
});

describe('mandelbrot.reference', () => {
  it('hits maxIter at the origin and escapes at iteration 1 at 2 + 2i', () => {
    // A 3 × 3 view with pixel spacing 2 centred on 0: pixel (1, 1) is 0, pixel (2, 0) is 2 + 2i.
    const [shard] = mandelbrot.split({
      params: { width: 3, height: 3, centerX: 0, centerY: 0, scale: 6, maxIter: 1000 },
      inputs: {},
    });
    const result = counts(mandelbrot.reference(shard!));
    expect(result[1 * 3 + 1]).toBe(1000);
    expect(result[0 * 3 + 2]).toBe(1);
    expect(result).toHaveLength(9);
  });

  it('gives the same counts for a pixel whichever tile computes it', () => {
    const big = split({ width: 40, height: 30 })[0]!;
    const all = counts(mandelbrot.reference(big));
    for (const shard of split({ width: 40, height: 30, tileSize: 16 })) {
      const tile = counts(mandelbrot.reference(shard));
      const { x0, y0, w, h } = shard.params;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) expect(tile[y * w + x]).toBe(all[(y0 + y) * 40 + x0 + x]);
      }
    }
  });
});

describe('mandelbrot.verify', () => {
  const shard = split({ width: 64, height: 48 })[0]!;
  const honest = mandelbrot.reference(shard);

  it('needs a quorum: check says plausible for an honest tile, invalid for garbage', async () => {
    expect(mandelbrot.verify.selfVerifying).toBe(false);
    expect(mandelbrot.verify.check(shard, honest)).toEqual({ status: 'plausible' });
    const garbage = new Uint32Array(64 * 48).fill(17);
    expect((await mandelbrot.verify.check(shard, new Uint8Array(garbage.buffer))).status).toBe('invalid');
  });

  it('refuses the cheapest lies at the kernel level: empty, zeros, half the tile, a truncated render', async () => {
    const half = honest.slice();
    half.fill(0, honest.length / 2);
    const truncated = mandelbrot.reference({
      ...shard,
      params: { ...shard.params, maxIter: Math.ceil(shard.params.maxIter / 10) },
    });
    for (const lie of [new Uint8Array(), new Uint8Array(honest.length), half, truncated]) {
      expect((await mandelbrot.verify.check(shard, lie)).status).toBe('invalid');
    }
  });

  it('compares within 0.1 % of pixels', () => {
    const close = honest.slice();
    counts(close)[5] = counts(close)[5]! + 1;
    counts(close)[6] = counts(close)[6]! + 1;
    counts(close)[7] = counts(close)[7]! + 1;
    expect(mandelbrot.verify.compare(shard, honest, honest.slice())).toBe(true);
    expect(mandelbrot.verify.compare(shard, honest, close)).toBe(true); // 3 of 3072
    counts(close)[8] = counts(close)[8]! + 1;
    expect(mandelbrot.verify.compare(shard, honest, close)).toBe(false); // 4 of 3072
  });
});

describe('mandelbrot.assemble', () => {
  it('writes the tiles as one PNG, points in the set black', () => {
    const params = mandelbrot.paramsSchema.parse({ width: 70, height: 50, ...view, tileSize: 16 });
    const shards = mandelbrot.split({ params, inputs: {} });
    const results = shards.map((shard) => ({ params: shard.params, result: mandelbrot.reference(shard) }));
    const output = mandelbrot.assemble({ params }, results);
    expect(output.contentType).toBe('image/png');
    expect(output.filename).toBe('mandelbrot.png');
    const image = decode(output.bytes);
    expect([image.width, image.height]).toEqual([70, 50]);
    // Pixel (35, 25) is about -0.48 - 0.02i: in the set, so black; pixel (0, 0) escapes early.
    expect(image.palette?.[image.data[25 * 70 + 35]!]).toEqual([0, 0, 0]);
    const corner = counts(results[0]!.result)[0]!;
    expect(corner).toBeLessThan(200);
    expect(image.palette?.[image.data[0]!]).toEqual(mandelbrotPalette()[mandelbrotColourIndex(corner, 200)]);
  });

  it('refuses results that do not cover the image exactly once', () => {
    const params = mandelbrot.paramsSchema.parse({ width: 40, height: 20, ...view, tileSize: 16 });
    const results = mandelbrot
      .split({ params, inputs: {} })
      .map((shard) => ({ params: shard.params, result: mandelbrot.reference(shard) }));
    expect(() => mandelbrot.assemble({ params }, results.slice(1))).toThrow(/exactly once/);
    expect(() => mandelbrot.assemble({ params }, [...results, results[0]!])).toThrow(/exactly once/);
  });
});

describe('mandelbrot credit and GPU', () => {
  it('pays the server-side estimate of the iterations, 10 operations each', () => {
    for (const shard of split({ width: 100, height: 100, tileSize: 32 })) {
      const units = mandelbrot.workUnits(shard.params);
      expect(units).toBe((shard.params.estimatedIterations * MANDELBROT_OPS_PER_ITERATION) / 1e6);
      expect(units).toBeGreaterThan(0);
    }
  });

  it('is a CPU-capable kernel whose GPU dispatch writes exactly the result size', () => {
    expect(mandelbrot.requiresWebGPU).toBe(false);
    const shard = split({ width: 50, height: 40, tileSize: 32 })[3]!;
    const dispatch = mandelbrot.dispatch!(shard, {} as never);
    expect(dispatch).toMatchObject({ ...mandelbrotDispatch(shard), finish: expect.any(Function) });
    expect(dispatch.readback.bytes).toBe((mandelbrot.resultSize(shard.params) as { exact: number }).exact);
  });
});
