import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { writeFileAtomicSync } from '@bigs/common';

/** First 8 bytes of a shard file. */
export const SHARD_MAGIC = 'BIGSSHRD';
/** Last 8 bytes of a complete shard file (a truncated file lacks them). */
export const SHARD_TRAILER = 'BIGSEND!';
export const SHARD_VERSION = 1;

/** The JSON header of a shard file (byte offsets are from the start of the file). */
export interface ShardHeader {
  format: 'bigs-shard';
  version: number;
  numSequences: number;
  numTokens: number;
  /** `uint16` when every id < 65536, else `int32`. */
  tokenDtype: 'uint16' | 'int32';
  /** Byte offset of `offsets`: Uint32 [numSequences + 1], token index where each sequence starts. */
  offsetsOffset: number;
  /** Byte offset of `segmentA`: Uint16 [numSequences], segment-A length (0 = single segment). */
  segmentsOffset: number;
  /** Byte offset of `tokens`: [numTokens] of `tokenDtype`. */
  tokensOffset: number;
  /** Total file size in bytes, trailer included. */
  fileSize: number;
}

/** A shard in memory: flat token array with offsets (views into the file buffer, no copies). */
export interface ShardData {
  header: ShardHeader;
  offsets: Uint32Array; // [N+1]
  segmentA: Uint16Array; // [N]
  tokens: Uint16Array | Int32Array; // [T]
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('bigs shards are little-endian; this host is big-endian');
}

/**
 * Encode sequences into the shard byte layout:
 *
 * ```
 * 0   "BIGSSHRD"                         8 bytes magic
 * 8   uint32 LE  H                       JSON header length (padded with spaces so data is 8-byte aligned)
 * 12  JSON header (ShardHeader)          H bytes
 *     offsets   Uint32 LE [N+1]          at header.offsetsOffset (8-aligned)
 *     segmentA  Uint16 LE [N]            at header.segmentsOffset (8-aligned)
 *     tokens    Uint16|Int32 LE [T]      at header.tokensOffset (8-aligned)
 *     "BIGSEND!"                         8 bytes trailer
 * ```
 * Every array is aligned so it can be viewed in place (memory-mapped) as a typed array.
 */
export function encodeShard(sequences: { ids: ArrayLike<number>; segmentALength: number }[]): Uint8Array[] {
  assertLittleEndian();
  const N = sequences.length;
  let T = 0;
  let maxId = 0;
  for (const s of sequences) {
    T += s.ids.length;
    for (let i = 0; i < s.ids.length; i++) {
      const v = s.ids[i] as number;
      if (v < 0 || !Number.isInteger(v))
        throw new Error(`shard: token id must be a non-negative integer, got ${v}`);
      if (v > maxId) maxId = v;
    }
    if (s.segmentALength > 65535) throw new Error(`shard: segment length ${s.segmentALength} exceeds 65535`);
  }
  if (T > 0xffffffff) throw new Error(`shard: ${T} tokens exceed the 2^32 limit of one shard`);
  const tokenDtype = maxId < 65536 ? 'uint16' : 'int32';
  const bytesPerToken = tokenDtype === 'uint16' ? 2 : 4;
  // header size depends on offsets which depend on header size: iterate to a fixed point
  let headerLen = 256;
  let header: ShardHeader;
  let json: Uint8Array;
  for (;;) {
    const offsetsOffset = align8(12 + headerLen);
    const segmentsOffset = align8(offsetsOffset + 4 * (N + 1));
    const tokensOffset = align8(segmentsOffset + 2 * N);
    const fileSize = align8(tokensOffset + bytesPerToken * T) + 8;
    header = {
      format: 'bigs-shard',
      version: SHARD_VERSION,
      numSequences: N,
      numTokens: T,
      tokenDtype,
      offsetsOffset,
      segmentsOffset,
      tokensOffset,
      fileSize,
    };
    json = new TextEncoder().encode(JSON.stringify(header));
    if (json.length <= headerLen) break;
    headerLen = align8(json.length);
  }
  const buf = new Uint8Array(header.fileSize);
  const dv = new DataView(buf.buffer);
  buf.set(new TextEncoder().encode(SHARD_MAGIC), 0);
  dv.setUint32(8, headerLen, true);
  buf.fill(0x20, 12, 12 + headerLen);
  buf.set(json, 12);
  const offsets = new Uint32Array(buf.buffer, header.offsetsOffset, N + 1);
  const segA = new Uint16Array(buf.buffer, header.segmentsOffset, N);
  const tokens =
    tokenDtype === 'uint16'
      ? new Uint16Array(buf.buffer, header.tokensOffset, T)
      : new Int32Array(buf.buffer, header.tokensOffset, T);
  let k = 0;
  for (let i = 0; i < N; i++) {
    const s = sequences[i] as { ids: ArrayLike<number>; segmentALength: number };
    offsets[i] = k;
    segA[i] = s.segmentALength;
    tokens.set(s.ids, k);
    k += s.ids.length;
  }
  offsets[N] = k;
  buf.set(new TextEncoder().encode(SHARD_TRAILER), header.fileSize - 8);
  return [buf];
}

/**
 * Write a shard file atomically (temp file + fsync + rename).
 * @example
 * writeShard('out/shard-00000.bigs', [{ ids: Int32Array.of(2, 7, 3), segmentALength: 0 }]);
 */
export function writeShard(
  path: string,
  sequences: { ids: ArrayLike<number>; segmentALength: number }[],
): void {
  writeFileAtomicSync(path, encodeShard(sequences));
}

/**
 * Parse a shard from its bytes, validating magic, header, sizes and trailer; a truncated or foreign file is an
 * error naming `path` and what is wrong.
 */
export function decodeShard(bytes: Uint8Array, path = '<buffer>'): ShardData {
  assertLittleEndian();
  if (bytes.length < 20) throw new Error(`${path}: not a bigs shard (only ${bytes.length} bytes)`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== SHARD_MAGIC)
    throw new Error(`${path}: not a bigs shard (bad magic)`);
  // typed-array views need aligned offsets: copy when the buffer is not 8-aligned
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerLen = dv.getUint32(8, true);
  if (12 + headerLen > b.length)
    throw new Error(`${path}: truncated shard (header of ${headerLen} bytes, file ${b.length} bytes)`);
  let header: ShardHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(b.subarray(12, 12 + headerLen))) as ShardHeader;
  } catch (e) {
    throw new Error(`${path}: corrupt shard header (${(e as Error).message})`);
  }
  if (header.format !== 'bigs-shard' || header.version !== SHARD_VERSION) {
    throw new Error(
      `${path}: unsupported shard format ${header.format} v${header.version} (expected bigs-shard v${SHARD_VERSION})`,
    );
  }
  if (b.length !== header.fileSize) {
    throw new Error(`${path}: truncated or damaged shard: ${b.length} bytes, header says ${header.fileSize}`);
  }
  if (new TextDecoder().decode(b.subarray(b.length - 8)) !== SHARD_TRAILER)
    throw new Error(`${path}: truncated shard (no trailer)`);
  const N = header.numSequences;
  const T = header.numTokens;
  const base = b.byteOffset;
  const offsets = new Uint32Array(b.buffer, base + header.offsetsOffset, N + 1);
  const segmentA = new Uint16Array(b.buffer, base + header.segmentsOffset, N);
  const tokens =
    header.tokenDtype === 'uint16'
      ? new Uint16Array(b.buffer, base + header.tokensOffset, T)
      : new Int32Array(b.buffer, base + header.tokensOffset, T);
  if (offsets[N] !== T) throw new Error(`${path}: corrupt shard (last offset ${offsets[N]} ≠ ${T} tokens)`);
  return { header, offsets, segmentA, tokens };
}

/**
 * Read a shard file into memory (one read; the arrays are views of that buffer).
 * @example
 * const s = readShard('out/shard-00000.bigs'); s.tokens.subarray(s.offsets[0], s.offsets[1]); // first sequence
 */
export function readShard(path: string): ShardData {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read shard (${(e as Error).message})`);
  }
  return decodeShard(bytes, path);
}

/** Sequence `i` of a shard: token ids (a view) and its segment-A length. */
export function shardSequence(
  s: ShardData,
  i: number,
): { ids: Uint16Array | Int32Array; segmentALength: number } {
  if (i < 0 || i >= s.header.numSequences)
    throw new Error(`shard sequence ${i} out of range [0, ${s.header.numSequences})`);
  return {
    ids: s.tokens.subarray(s.offsets[i] as number, s.offsets[i + 1] as number),
    segmentALength: s.segmentA[i] as number,
  };
}
