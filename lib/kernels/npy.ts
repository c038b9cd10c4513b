import { f32FromLe, f32ToLe } from './f32-le';
import { KernelInputError } from './kernel';

/**
 * NumPy `.npy` (format versions 1.0 and 2.0) for the one array kind the API exchanges: a C-order,
 * little-endian float32 (`<f4`) matrix. Submitters write it with `numpy.save`; we never trust it,
 * so every problem becomes a `KernelInputError` that says how to fix the file.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** A `<f4` matrix header is ~120 bytes; anything past version 1.0's limit is not one we can use. */
const MAX_HEADER_BYTES = 65_535;

/** A parsed 2-D `<f4` array; `data` is a private, aligned copy in row-major order. */
export interface NpyMatrix {
  shape: [rows: number, cols: number];
  data: Float32Array;
}

const DTYPE_NAMES: Record<string, string> = {
  '<f8': 'float64',
  '>f8': 'big-endian float64',
  '>f4': 'big-endian float32',
  '<f2': 'float16',
  '<i8': 'int64',
  '<i4': 'int32',
  '<i2': 'int16',
  '|i1': 'int8',
  '<u8': 'uint64',
  '<u4': 'uint32',
  '<u2': 'uint16',
  '|u1': 'uint8',
  '|b1': 'bool',
  '|O': 'object',
};

/**
 * Parses `bytes` as a `.npy` `<f4` C-order 2-D array. Rejects, with `field` and a fix: a missing
 * magic, a truncated or malformed header, any other dtype, Fortran order, a shape that is not 2-D,
 * a data length that does not match the shape, and NaN or ±Infinity (named by index).
 * @example parseNpy(upload, 'inputs.a') // { shape: [m, k], data: Float32Array(m·k) }
 */
export function parseNpy(bytes: Uint8Array, field: string): NpyMatrix {
  const { shape, data } = parseNpyArray(bytes, field, { matrix: true });
  return { shape: [shape[0]!, shape[1]!], data };
}

/** A parsed `<f4` array of any rank; `data` is a private, aligned copy in C order. */
export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/**
 * `parseNpy` for any rank (0-D included): the same checks and messages, without the 2-D rule.
 * @example parseNpyArray(upload, 'inputs.x') // { shape: [n, 3, 32, 32], data: Float32Array }
 */
export function parseNpyArray(bytes: Uint8Array, field: string, options?: { matrix?: boolean }): NpyArray {
  const fail = (predicate: string): never => {
    throw new KernelInputError(field, `${field} ${predicate}`);
  };
  if (bytes.length < MAGIC.length || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    fail('is not a .npy file (it must start with "\\x93NUMPY"): write the array with numpy.save');
  }
  if (bytes.length < 10) fail(`is truncated: ${bytes.length} bytes, not even a full .npy preamble`);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2) || minor !== 0) {
    fail(
      `uses .npy format version ${major}.${minor}, which is not supported (1.0 and 2.0 are): write it with numpy.save`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('is truncated inside its .npy header length');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES) {
    fail(
      `has a .npy header of ${headerLength} bytes, far more than a float32 matrix needs: write it with numpy.save`,
    );
  }
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) {
    fail(`has a truncated .npy header: it declares ${headerLength} bytes but the file ends first`);
  }

  let header: unknown;
  try {
    header = parsePythonLiteral(latin1(bytes.subarray(8 + lengthBytes, dataOffset)));
  } catch (error) {
    fail(`has a .npy header that is not a valid Python dict literal (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('has a .npy header that is not a dict: write the array with numpy.save');
  }
  const { descr, fortran_order: fortranOrder, shape } = header as Record<string, unknown>;

  if (typeof descr !== 'string') {
    return fail(
      "has a structured dtype; a plain float32 array ('<f4') is needed: convert with a.astype('<f4')",
    );
  }
  if (descr !== '<f4') {
    const name = DTYPE_NAMES[descr];
    fail(
      `has dtype '${descr}'${name ? ` (${name})` : ''}; little-endian float32 ('<f4') is needed: convert with a.astype('<f4')`,
    );
  }
  if (fortranOrder !== false) {
    fail('is stored in Fortran (column-major) order; C order is needed: save numpy.ascontiguousarray(a)');
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return fail('has no valid shape tuple in its .npy header');
  }
  const dims = shape as number[];
  const described = `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
  if (options?.matrix && dims.length !== 2) {
    fail(`has shape ${described}, which is ${dims.length}-D; a 2-D array (rows, cols) is needed`);
  }
  const expectedBytes = dims.reduce((product, dim) => product * dim, 1) * 4;
  const actualBytes = bytes.length - dataOffset;
  if (actualBytes !== expectedBytes) {
    fail(
      `has ${actualBytes} data bytes but shape ${described} of float32 needs ${expectedBytes}: the file is ${actualBytes < expectedBytes ? 'truncated' : 'padded or corrupt'}`,
    );
  }
  const data = f32FromLe(bytes.subarray(dataOffset));
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (!Number.isFinite(value)) {
      fail(
        `has element [${unravel(i, dims).join(', ')}] = ${value}; only finite values are accepted: replace NaN and infinities`,
      );
    }
  }
  return { shape: dims, data };
}

/** The C-order index of flat element `i` in `dims`. */
function unravel(i: number, dims: readonly number[]): number[] {
  const index: number[] = [];
  let rest = i;
  for (let d = dims.length - 1; d >= 0; d--) {
    index.unshift(rest % dims[d]!);
    rest = Math.floor(rest / dims[d]!);
  }
  return index;
}

/**
 * Writes a C-order `<f4` matrix as `.npy` version 1.0, the header padded so the data starts on a
 * 64-byte boundary as `numpy.save` does (so `numpy.load(..., mmap_mode='r')` stays aligned).
 */
export function writeNpy(rows: number, cols: number, data: Float32Array): Uint8Array {
  return writeNpyArray([rows, cols], data);
}

/** `writeNpy` for any rank. */
export function writeNpyArray(shape: readonly number[], data: Float32Array): Uint8Array {
  const described = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new RangeError(`invalid shape ${described}`);
  }
  if (data.length !== shape.reduce((product, dim) => product * dim, 1)) {
    throw new RangeError(`${data.length} values do not fill shape ${described}`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${described}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(f32ToLe(data), 10 + header.length);
  return out;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/**
 * The subset of Python literals `numpy.save` writes in a header: dicts, tuples, lists, quoted
 * strings, integers (with Python 2's optional `L`), True, False and None.
 */
function parsePythonLiteral(text: string): unknown {
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[pos] !== char) throw new Error(`expected "${char}" at offset ${pos}`);
    pos++;
  };
  const sequence = (close: string): unknown[] => {
    const items: unknown[] = [];
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      items.push(value());
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) throw new Error(`expected "," or "${close}" at offset ${pos}`);
    }
    pos++;
    return items;
  };
  const value = (): unknown => {
    skipSpace();
    const char = text[pos];
    if (char === '{') {
      pos++;
      const dict: Record<string, unknown> = Object.create(null);
      for (;;) {
        skipSpace();
        if (text[pos] === '}') break;
        const key = value();
        if (typeof key !== 'string') throw new Error(`dict key at offset ${pos} is not a string`);
        expect(':');
        dict[key] = value();
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') throw new Error(`expected "," or "}" at offset ${pos}`);
      }
      pos++;
      return dict;
    }
    if (char === '(') {
      pos++;
      return sequence(')');
    }
    if (char === '[') {
      pos++;
      return sequence(']');
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, pos + 1);
      if (end === -1) throw new Error(`unterminated string at offset ${pos}`);
      const str = text.slice(pos + 1, end);
      pos = end + 1;
      return str;
    }
    const word = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(pos))?.[0];
    if (word === undefined)
      throw new Error(`unexpected ${char === undefined ? 'end' : `"${char}"`} at offset ${pos}`);
    pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return Number(word.replace('L', ''));
  };
  const result = value();
  skipSpace();
  if (pos !== text.length) throw new Error(`unexpected text after the dict at offset ${pos}`);
  return result;
}
