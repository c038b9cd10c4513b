import { describe, expect, it } from 'vitest';
import { KernelInputError } from './kernel';
import { parseNpy, writeNpy } from './npy';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** `numpy.lib.format.write_array` of [[1.5, -2, 3], [4, 5e-3, -6e10]] as '<f4', versions 1.0 and 2.0. */
const NUMPY_V1 = fromBase64(
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAIBACtejO3aEX9E=',
);
const NUMPY_V2 = fromBase64(
  'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAIBACtejO3aEX9E=',
);
const NUMPY_VALUES = new Float32Array([1.5, -2, 3, 4, 5e-3, -6e10]);

/** A version 1.0 file with an arbitrary header dict and payload, for the rejection cases. */
function npyWithHeader(dict: string, payload: Uint8Array = new Uint8Array(), version = 1): Uint8Array {
  const header = `${dict}\n`;
  const lengthBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[8 + lengthBytes + i] = header.charCodeAt(i);
  out.set(payload, 8 + lengthBytes + header.length);
  return out;
}

function rejection(bytes: Uint8Array): KernelInputError {
  try {
    parseNpy(bytes, 'inputs.a');
  } catch (error) {
    expect(error).toBeInstanceOf(KernelInputError);
    expect((error as KernelInputError).field).toBe('inputs.a');
    return error as KernelInputError;
  }
  throw new Error('parseNpy accepted bad bytes');
}

describe('parseNpy', () => {
  it('reads what numpy writes, versions 1.0 and 2.0', () => {
    for (const file of [NUMPY_V1, NUMPY_V2]) {
      const parsed = parseNpy(file, 'inputs.a');
      expect(parsed.shape).toEqual([2, 3]);
      expect(parsed.data).toEqual(NUMPY_VALUES);
    }
  });

  it('copies the data into an aligned array that does not alias the input', () => {
    const backing = new Uint8Array(NUMPY_V1.length + 1);
    backing.set(NUMPY_V1, 1);
    const parsed = parseNpy(backing.subarray(1), 'inputs.a');
    expect(parsed.data.byteOffset % 4).toBe(0);
    expect(parsed.data).toEqual(NUMPY_VALUES);
    backing.fill(0);
    expect(parsed.data).toEqual(NUMPY_VALUES);
  });

  it('accepts Python 2 long integers, double quotes and other key orders', () => {
    const payload = new Uint8Array(8);
    const parsed = parseNpy(
      npyWithHeader(`{"shape": (1L, 2L), "fortran_order": False, "descr": "<f4"}`, payload),
      'inputs.a',
    );
    expect(parsed.shape).toEqual([1, 2]);
  });

  it('accepts empty arrays', () => {
    expect(parseNpy(writeNpy(0, 5, new Float32Array()), 'x').shape).toEqual([0, 5]);
  });

  it('rejects bytes that are not .npy', () => {
    expect(rejection(new TextEncoder().encode('a,b\n1,2\n')).message).toMatch(
      /not a \.npy file.*numpy\.save/,
    );
    expect(rejection(new Uint8Array()).message).toMatch(/not a \.npy file/);
  });

  it('rejects a truncated preamble or header', () => {
    expect(rejection(NUMPY_V1.subarray(0, 8)).message).toMatch(/truncated/);
    expect(rejection(NUMPY_V2.subarray(0, 11)).message).toMatch(/truncated/);
    expect(rejection(NUMPY_V1.subarray(0, 60)).message).toMatch(/truncated \.npy header/);
  });

  it('rejects a header far larger than a matrix needs', () => {
    const huge = npyWithHeader(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }${' '.repeat(70_000)}`,
      new Uint8Array(4),
      2,
    );
    expect(rejection(huge).message).toMatch(/header of 700\d\d bytes/);
  });

  it('rejects unsupported format versions', () => {
    const v3 = NUMPY_V1.slice();
    v3[6] = 3;
    expect(rejection(v3).message).toMatch(/version 3\.0, which is not supported/);
  });

  it('rejects a header that is not a dict literal', () => {
    expect(rejection(npyWithHeader("{'descr': '<f4', 'shape': (2, 3)")).message).toMatch(
      /not a valid Python dict/,
    );
    expect(rejection(npyWithHeader("{'descr': <f4}")).message).toMatch(/not a valid Python dict/);
    expect(rejection(npyWithHeader('(2, 3)')).message).toMatch(/not a dict/);
    expect(rejection(npyWithHeader("{'descr': '<f4', 'fortran_order': False}")).message).toMatch(
      /no valid shape/,
    );
  });

  it('names the wrong dtype and asks for <f4', () => {
    const f8 = rejection(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
    expect(f8.message).toContain("'<f8' (float64)");
    expect(f8.message).toContain("'<f4'");
    expect(
      rejection(npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }")).message,
    ).toContain('big-endian float32');
    expect(
      rejection(npyWithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 1), }")).message,
    ).toContain("dtype '<c8'");
    const structured = "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2, 3), }";
    expect(rejection(npyWithHeader(structured)).message).toMatch(/structured dtype/);
  });

  it('rejects Fortran order', () => {
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
    expect(rejection(npyWithHeader(header, new Uint8Array(24))).message).toMatch(
      /Fortran.*ascontiguousarray/,
    );
  });

  it('rejects shapes that are not 2-D', () => {
    const oneD = rejection(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"));
    expect(oneD.message).toMatch(/shape \(2,\), which is 1-D; a 2-D array/);
    const threeD = rejection(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }"));
    expect(threeD.message).toMatch(/3-D/);
    expect(
      rejection(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }")).message,
    ).toMatch(/0-D/);
    const negative = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }";
    expect(rejection(npyWithHeader(negative)).message).toMatch(/no valid shape/);
  });

  it('rejects a data length that does not match the shape', () => {
    expect(rejection(NUMPY_V1.subarray(0, NUMPY_V1.length - 4)).message).toMatch(
      /20 data bytes.*needs 24.*truncated/,
    );
    const padded = new Uint8Array(NUMPY_V2.length + 4);
    padded.set(NUMPY_V2);
    expect(rejection(padded).message).toMatch(/28 data bytes.*needs 24/);
  });

  it('rejects NaN and infinities, naming the element', () => {
    for (const [bad, text] of [
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ] as const) {
      const values = new Float32Array(6).fill(1);
      values[5] = bad;
      expect(rejection(writeNpy(2, 3, values)).message).toContain(`inputs.a has element [1, 2] = ${text}`);
    }
  });
});

describe('writeNpy', () => {
  it('round-trips through parseNpy for several shapes', () => {
    for (const [rows, cols] of [
      [1, 1],
      [2, 3],
      [7, 13],
      [1, 1000],
      [300, 1],
    ] as const) {
      const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.fround((i - 17) * 0.37));
      const bytes = writeNpy(rows, cols, data);
      expect(bytes.length - data.length * 4).toBeGreaterThan(0);
      expect((bytes.length - data.length * 4) % 64).toBe(0);
      const parsed = parseNpy(bytes, 'x');
      expect(parsed.shape).toEqual([rows, cols]);
      expect(parsed.data).toEqual(data);
    }
  });

  it('writes the header numpy writes', () => {
    const text = new TextDecoder('latin1').decode(writeNpy(2, 3, new Float32Array(6)).subarray(10, 80));
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} +/);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => writeNpy(2, 3, new Float32Array(5))).toThrow(RangeError);
  });
});
