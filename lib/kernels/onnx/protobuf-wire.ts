/**
 * The protobuf wire format, as much as reading and writing ONNX models needs: varints, 64-bit and
 * 32-bit fixed fields and length-delimited fields. Hand-written (≈100 lines) rather than a
 * generated ONNX binding because `lib/kernels` is bundled into the browser worker too, and the
 * kernel only needs a handful of fields. Hostile input is expected: every read is bounds-checked
 * and throws `ProtobufError`, never reads past the buffer.
 */

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

/** Wire types (protobuf encoding spec). */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export interface ProtoField {
  field: number;
  wireType: number;
  /** Varints as numbers (exact to 2^53; ONNX dims and enums fit), fixed fields as their raw bytes' number. */
  value: number;
  /** For length-delimited fields: the payload (a view, not a copy). */
  bytes?: Uint8Array;
}

/** Reads a varint at `pos`; returns the value (exact below 2^53) and the next position. */
function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError('truncated varint');
    const byte = buf[pos++]!;
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      // Negative int64 values (10-byte varints) come out as huge positive numbers; callers range-check.
      return [result, pos];
    }
    scale *= 128;
  }
  throw new ProtobufError('varint longer than 10 bytes');
}

/** Every top-level field of one message, in order. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw new ProtobufError('field number 0');
    if (wireType === WIRE.varint) {
      const [value, next] = readVarint(buf, pos);
      fields.push({ field, wireType, value });
      pos = next;
    } else if (wireType === WIRE.fixed64) {
      if (pos + 8 > buf.length) throw new ProtobufError('truncated fixed64');
      fields.push({ field, wireType, value: 0, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wireType === WIRE.bytes) {
      const [length, start] = readVarint(buf, pos);
      if (start + length > buf.length) throw new ProtobufError('length-delimited field runs past the end');
      fields.push({ field, wireType, value: length, bytes: buf.subarray(start, start + length) });
      pos = start + length;
    } else if (wireType === WIRE.fixed32) {
      if (pos + 4 > buf.length) throw new ProtobufError('truncated fixed32');
      fields.push({ field, wireType, value: 0, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

/** The varints of a repeated integer field, packed (one bytes field) or not. */
export function readPackedVarints(fields: ProtoField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === WIRE.varint) out.push(f.value);
    else if (f.wireType === WIRE.bytes && f.bytes) {
      let pos = 0;
      while (pos < f.bytes.length) {
        const [value, next] = readVarint(f.bytes, pos);
        out.push(value);
        pos = next;
      }
    }
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function fieldString(fields: ProtoField[], field: number): string | undefined {
  const f = fields.find((candidate) => candidate.field === field && candidate.wireType === WIRE.bytes);
  return f?.bytes ? decoder.decode(f.bytes) : undefined;
}

export function fieldVarint(fields: ProtoField[], field: number): number | undefined {
  return fields.find((candidate) => candidate.field === field && candidate.wireType === WIRE.varint)?.value;
}

export function fieldMessages(fields: ProtoField[], field: number): Uint8Array[] {
  return fields
    .filter((candidate) => candidate.field === field && candidate.wireType === WIRE.bytes)
    .map((candidate) => candidate.bytes!);
}

/** A minimal protobuf writer (for building models in scripts and tests). */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode varint ${value}`);
    const out: number[] = [];
    let v = value;
    while (v >= 128) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  uint(field: number, value: number): this {
    this.varint(field * 8 + WIRE.varint);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.varint(field * 8 + WIRE.bytes);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.varint(field * 8 + WIRE.fixed32);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setFloat32(0, value, true);
    this.push(out);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
