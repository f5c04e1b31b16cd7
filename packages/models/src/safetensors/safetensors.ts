/**
 * Safetensors (https://github.com/huggingface/safetensors) reader and writer.
 *
 * Layout: 8-byte little-endian u64 header length `n`, `n` bytes of UTF-8 JSON
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {string: string} }`),
 * then the raw little-endian data; offsets are relative to the start of the data section.
 */

/** Dtypes the reader understands. Everything is returned as float32 (integers converted exactly up to 2^24). */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** One tensor as read: its original dtype, its shape and its values converted to float32 (row-major). */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/**
 * A tensor to write: values (row-major) and a shape whose product equals `data.length`. Float32Array → F32;
 * BigInt64Array → I64 (integer buffers such as the torch port's `position_ids`).
 */
export interface TensorToWrite {
  shape: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** The content of a safetensors file. */
export interface SafetensorsContent {
  /** Tensors in file-header order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

/** Largest header we accept (the official library uses 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Convert `count` little-endian values of `dtype` to float32 (integers exactly up to 2^24, F64 rounded).
 * @example
 * decodeToFloat32('F16', new Uint8Array([0, 0x3c]), 1); // Float32Array [1]
 */
export function decodeToFloat32(dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array {
  if (bytes.byteLength !== count * DTYPE_BYTES[dtype]) {
    throw new Error(
      `decodeToFloat32: ${count} ${dtype} values need ${count * DTYPE_BYTES[dtype]} bytes, got ${bytes.byteLength}`,
    );
  }
  return decode(dtype, bytes, count);
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      const tmp = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        tmp.setUint32(0, view.getUint16(2 * i, true) << 16, false);
        out[i] = tmp.getFloat32(0, false);
      }
      break;
    }
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      break;
  }
  return out;
}

/**
 * Parse and fully validate a safetensors byte buffer. Nothing is returned unless every tensor's header entry,
 * offsets and byte length are consistent (no overlaps, no holes, no truncation).
 *
 * @param bytes the whole file
 * @param fileName used in error messages
 * @example
 * const { tensors } = parseSafetensors(bytes, 'model.safetensors');
 * tensors.get('bigs.embeddings.word_embeddings.weight')?.shape; // [V, H]
 */
export function parseSafetensors(bytes: Uint8Array, fileName = '<buffer>'): SafetensorsContent {
  const fail = (msg: string): never => {
    throw new Error(`safetensors file '${fileName}': ${msg}`);
  };
  const { header, dataStart } = readHeader(bytes, fail);
  const dataLen = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') Object.assign(metadata, readMetadata(raw, fail));
    else entries.push(readEntry(name, raw, dataLen, fail));
  }
  checkCoverage(entries, dataLen, fail);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const numel = e.shape.reduce((a, b) => a * b, 1);
    const data = decode(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end), numel);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** One tensor's header entry, checked: byte range relative to the data section. */
interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

type Fail = (msg: string) => never;

/** The 8-byte length and the JSON header object; where the data section starts. */
function readHeader(bytes: Uint8Array, fail: Fail): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes, expected at least 8 (header length)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen64 = dv.getBigUint64(0, true);
  if (headerLen64 > BigInt(MAX_HEADER_BYTES))
    fail(`header length ${headerLen64} exceeds ${MAX_HEADER_BYTES}`);
  const headerLen = Number(headerLen64);
  if (8 + headerLen > bytes.byteLength) {
    fail(
      `header length ${headerLen} runs past the end of the file (${bytes.byteLength} bytes): truncated file`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header must be a JSON object');
  return { header: header as Record<string, unknown>, dataStart: 8 + headerLen };
}

/** `__metadata__`: an object of strings. */
function readMetadata(raw: unknown, fail: Fail): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ must be an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`__metadata__['${k}'] must be a string, got ${JSON.stringify(v)}`);
    out[k] = v as string;
  }
  return out;
}

/** One tensor entry: known dtype, integer shape, offsets holding exactly dtype × numel bytes inside the data. */
function readEntry(name: string, raw: unknown, dataLen: number, fail: Fail): HeaderEntry {
  const where = `tensor '${name}'`;
  if (typeof raw !== 'object' || raw === null) fail(`${where}: header entry must be an object`);
  const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) {
    fail(
      `${where}: unsupported dtype ${JSON.stringify(e.dtype)} (expected one of ${Object.keys(DTYPE_BYTES)})`,
    );
  }
  const dtype = e.dtype as SafetensorsDtype;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(e.shape)}`);
  }
  const shape = e.shape as number[];
  const off = e.data_offsets;
  const valid =
    Array.isArray(off) &&
    off.length === 2 &&
    off.every((o) => Number.isSafeInteger(o) && o >= 0) &&
    off[0] <= off[1];
  if (!valid) {
    fail(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as [number, number];
  const expected = shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    fail(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, expected ${expected} ` +
        `(${dtype} x shape [${shape}])`,
    );
  }
  if (end > dataLen) {
    fail(`${where}: data ends at byte ${end} but the data section has ${dataLen} bytes: truncated file`);
  }
  return { name, dtype, shape, begin, end };
}

/** No overlaps and no holes: the format requires the data section to be fully indexed. */
function checkCoverage(entries: HeaderEntry[], dataLen: number, fail: Fail): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor)
      fail(`tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] overlap another tensor`);
    if (e.begin > cursor) fail(`tensor '${e.name}': hole in the data section before byte ${e.begin}`);
    cursor = e.end;
  }
  if (cursor !== dataLen)
    fail(`data section has ${dataLen - cursor} trailing bytes not covered by any tensor`);
}

/**
 * The IEEE float16 bits nearest to each value (round half to even; beyond ±65504 → ±Infinity; NaN kept).
 * @example
 * float32ToFloat16Bits(new Float32Array([1, -2]))[0]; // 0x3c00
 */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const b = bits[i]!;
    const sign = (b >>> 16) & 0x8000;
    const exp = (b >>> 23) & 0xff;
    const mant = b & 0x7fffff;
    const e = exp - 112; // rebias 127 → 15
    let h: number;
    if (exp === 0xff) h = 0x7c00 | (mant ? 0x200 : 0);
    else if (e >= 0x1f) h = 0x7c00;
    else if (e <= 0) {
      // subnormal half (or zero): shift the mantissa with its implicit 1, round half to even
      const shift = 14 - e;
      const m = mant | 0x800000;
      h = shift > 24 ? 0 : m >>> shift;
      const rest = shift > 24 ? 0 : m & ((1 << shift) - 1);
      const half = shift > 24 ? 1 : 1 << (shift - 1);
      if (rest > half || (rest === half && (h & 1) === 1)) h++;
    } else {
      h = (e << 10) | (mant >>> 13);
      const rest = mant & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++; // a carry into the exponent is still right
    }
    out[i] = sign | h;
  }
  return out;
}

/** Options of {@link serializeSafetensors}. */
export interface SerializeSafetensorsOptions {
  /** Store float32 tensors as F16 (half the bytes; each value rounded to the nearest float16). Default false. */
  float16?: boolean;
}

/**
 * Serialize tensors to safetensors bytes (Float32Array → F32, or F16 with `float16`; BigInt64Array → I64; header
 * padded with spaces to a multiple of 8).
 *
 * @example
 * const bytes = serializeSafetensors(new Map([['w', { shape: [2, 3], data: new Float32Array(6) }]]));
 */
export function serializeSafetensors(
  tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>,
  metadata: Record<string, string> = {},
  options: SerializeSafetensorsOptions = {},
): Uint8Array {
  const list = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)).map(
    ([name, t]) =>
      [
        name,
        {
          shape: t.shape,
          data: options.float16 && t.data instanceof Float32Array ? float32ToFloat16Bits(t.data) : t.data,
        },
      ] as const,
  );
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of list) {
    if (name === '__metadata__')
      throw new Error(`serializeSafetensors: '__metadata__' is not a valid tensor name`);
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || numel !== t.data.length) {
      throw new Error(
        `serializeSafetensors: tensor '${name}' has shape [${t.shape}] (${numel} values) but ${t.data.length} values`,
      );
    }
    const per = t.data.BYTES_PER_ELEMENT;
    const dtype = per === 8 ? 'I64' : per === 2 ? 'F16' : 'F32';
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + per * numel] };
    offset += per * numel;
  }
  let json = JSON.stringify(header);
  let jsonBytes = new TextEncoder().encode(json);
  const pad = (8 - (jsonBytes.byteLength % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    jsonBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + jsonBytes.byteLength + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(jsonBytes.byteLength), true);
  out.set(jsonBytes, 8);
  let pos = 8 + jsonBytes.byteLength;
  for (const [, t] of list) {
    const d = t.data;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    else if (d instanceof BigInt64Array)
      for (let i = 0; i < d.length; i++) dv.setBigInt64(pos + 8 * i, d[i]!, true);
    else if (d instanceof Uint16Array)
      for (let i = 0; i < d.length; i++) dv.setUint16(pos + 2 * i, d[i]!, true);
    else for (let i = 0; i < d.length; i++) dv.setFloat32(pos + 4 * i, d[i]!, true);
    pos += d.byteLength;
  }
  return out;
}
