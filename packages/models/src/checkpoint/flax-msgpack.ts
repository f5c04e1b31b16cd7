import { decode, ExtData, encode } from '@msgpack/msgpack';
import { decodeToFloat32, type SafetensorsDtype } from '../safetensors/safetensors.js';
import type { HostTensor } from './load-state.js';

/**
 * Reader (and writer, for tests and export) of the Flax `flax_model.msgpack` format written by
 * `flax.serialization.to_bytes` (docs/guide/architecture.md#checkpoint-formats): a msgpack tree of nested maps (no `params` wrapper), leaves are
 * ExtType 1 (ndarray) or ExtType 3 (numpy scalar) whose payload is a msgpack array `[shape, dtype name, raw
 * C-order little-endian bytes]`. ExtType 2 (complex) and chunked arrays (`__msgpack_chunked_array__`) are rejected.
 */

const FLAX_DTYPES: Record<string, SafetensorsDtype> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

function decodeLeaf(ext: ExtData, path: string, fail: (m: string) => never): HostTensor {
  if (ext.type === 2) fail(`'${path}': complex leaves (ExtType 2) are not supported`);
  if (ext.type !== 1 && ext.type !== 3) fail(`'${path}': unknown msgpack ExtType ${ext.type}`);
  let payload: unknown;
  try {
    if (typeof ext.data === 'function') fail(`'${path}': unexpected lazy ext payload`);
    payload = decode(ext.data as Uint8Array);
  } catch (e) {
    fail(`'${path}': corrupt ndarray payload (${(e as Error).message})`);
  }
  if (!Array.isArray(payload) || payload.length !== 3)
    fail(`'${path}': ndarray payload must be [shape, dtype, data]`);
  const [shape, dtypeName, data] = payload as [unknown, unknown, unknown];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`'${path}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const dtype = FLAX_DTYPES[String(dtypeName)];
  if (!dtype)
    fail(
      `'${path}': unsupported dtype ${JSON.stringify(dtypeName)} (expected ${Object.keys(FLAX_DTYPES).join(', ')})`,
    );
  if (!(data instanceof Uint8Array)) fail(`'${path}': data must be msgpack bin`);
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = data as Uint8Array;
  const per = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 }[dtype!];
  if (bytes.byteLength !== count * per) {
    fail(
      `'${path}': ${bytes.byteLength} data bytes, expected ${count * per} (${String(dtypeName)} x shape [${dims}]): truncated or corrupt`,
    );
  }
  return { shape: dims, data: decodeToFloat32(dtype!, bytes, count) };
}

/**
 * Parse a `flax_model.msgpack` buffer into flat `/`-joined paths → float32 tensors (fully validated).
 *
 * @example
 * const t = parseFlaxMsgpack(bytes, 'flax_model.msgpack');
 * t.get('s4_bert/embeddings/word_embeddings/embedding')?.shape; // [30522, 1024]
 */
export function parseFlaxMsgpack(bytes: Uint8Array, fileName = '<buffer>'): Map<string, HostTensor> {
  const fail = (m: string): never => {
    throw new Error(`Flax msgpack file '${fileName}': ${m}`);
  };
  let tree: unknown;
  try {
    tree = decode(bytes);
  } catch (e) {
    fail(`not a valid msgpack document (${(e as Error).message}): truncated or corrupt`);
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree) || tree instanceof ExtData) {
    fail('top level must be a map of parameters');
  }
  const top = tree as Record<string, unknown>;
  // A `{params: …}` wrapper (e.g. a TrainState dump) is unwrapped; HF files have none (docs/guide/architecture.md#checkpoint-formats).
  if (Object.keys(top).length === 1 && 'params' in top && !(top.params instanceof ExtData)) tree = top.params;
  const out = new Map<string, HostTensor>();
  const walk = (node: unknown, path: string) => {
    if (node instanceof ExtData) {
      out.set(path, decodeLeaf(node, path, fail));
      return;
    }
    if (typeof node === 'number') {
      out.set(path, { shape: [], data: Float32Array.of(node) }); // a plain python scalar leaf
      return;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node) || node instanceof Uint8Array) {
      fail(`'${path}': unexpected node of type ${Array.isArray(node) ? 'array' : typeof node}`);
    }
    const obj = node as Record<string, unknown>;
    if ('__msgpack_chunked_array__' in obj) {
      fail(`'${path}': chunked arrays (__msgpack_chunked_array__, leaves > 2^30 bytes) are not supported`);
    }
    for (const [k, v] of Object.entries(obj)) walk(v, path ? `${path}/${k}` : k);
  };
  walk(tree, '');
  return out;
}

/**
 * Serialise `/`-joined float32 tensors to the Flax msgpack layout (nested maps, ExtType 1 float32 leaves).
 * @example
 * serializeFlaxMsgpack(new Map([['cls/predictions/bias', { shape: [4], data: new Float32Array(4) }]]));
 */
export function serializeFlaxMsgpack(tensors: Map<string, HostTensor>): Uint8Array {
  const root: Record<string, unknown> = {};
  for (const [path, t] of tensors) {
    const parts = path.split('/');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    }
    const bytes = new Uint8Array(t.data.length * 4);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(4 * i, t.data[i]!, true);
    node[parts.at(-1)!] = new ExtData(1, encode([t.shape, 'float32', bytes]));
  }
  return encode(root);
}
