/**
 * Minimal safetensors reader/writer (F32 and I32 only) for optimizer state and the default model file.
 *
 * Kept in one file so that it can be swapped for `@bigs/models`' reader/writer once that lands.
 * Format: u64 little-endian header length N, N bytes of JSON header
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { [k]: string } }`, padded with spaces
 * to a multiple of 8), then the raw little-endian tensor bytes.
 */
import { readFile } from 'node:fs/promises';
import type { HostTensor } from './host-tensor.js';

const DTYPES = { float32: 'F32', int32: 'I32' } as const;

/**
 * Serialize tensors (sorted by name, as the Python writer does) and string metadata to safetensors bytes.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } });
 */
export function encodeSafetensors(
  tensors: Record<string, HostTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new Error(
        `writeSafetensors: '${name}' has shape [${t.shape}] (${n} values) but ${t.data.length} values`,
      );
    }
    const ok = t.dtype === 'float32' ? t.data instanceof Float32Array : t.data instanceof Int32Array;
    if (!ok) throw new Error(`writeSafetensors: '${name}' dtype ${t.dtype} does not match its data array`);
    header[name] = {
      dtype: DTYPES[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  const headerBytes0 = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - (headerBytes0 % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name]!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/**
 * Parse safetensors bytes. Supports F32 and I32 tensors; other dtypes throw naming the tensor.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes, 'optimizer.safetensors');
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = '<bytes>',
): { tensors: Record<string, HostTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`readSafetensors: ${source} is ${bytes.length} bytes, too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) {
    throw new Error(`readSafetensors: ${source} header length ${n} exceeds file size ${bytes.length}`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const base = 8 + n;
  const tensors: Record<string, HostTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = e.data_offsets;
    if (base + end > bytes.length || begin > end) {
      throw new Error(
        `readSafetensors: ${source} tensor '${name}' offsets [${begin}, ${end}] are out of range`,
      );
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4) {
      throw new Error(
        `readSafetensors: ${source} tensor '${name}' has ${end - begin} bytes for shape [${e.shape}]`,
      );
    }
    const raw = bytes.slice(base + begin, base + end); // copy → aligned buffer
    if (e.dtype === 'F32') {
      tensors[name] = { dtype: 'float32', shape: e.shape, data: new Float32Array(raw.buffer, 0, count) };
    } else if (e.dtype === 'I32') {
      tensors[name] = { dtype: 'int32', shape: e.shape, data: new Int32Array(raw.buffer, 0, count) };
    } else {
      throw new Error(
        `readSafetensors: ${source} tensor '${name}' has dtype ${e.dtype}; expected F32 or I32`,
      );
    }
  }
  return { tensors, metadata };
}

/** Read a safetensors file (see {@link decodeSafetensors}). */
export async function readSafetensors(
  path: string,
): Promise<{ tensors: Record<string, HostTensor>; metadata: Record<string, string> }> {
  return decodeSafetensors(new Uint8Array(await readFile(path)), path);
}
