import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The parts of seek-bzip's (CommonJS, untyped) `Bunzip` decoder that the streaming reader drives. */
interface BunzipInstance {
  _init_block(): boolean;
  _read_bunzip(): number;
  _start_bunzip(input: ByteInput, output: ByteOutput): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}
type BunzipCtor = new (input: ByteInput, output: ByteOutput) => BunzipInstance;

interface ByteInput {
  readByte(): number;
  read(buf: Uint8Array, off: number, len: number): number;
  eof(): boolean;
  seek(pos: number): void;
}
interface ByteOutput {
  writeByte(b: number): void;
}

/**
 * Decompress a `.bz2` file block by block, yielding each block's bytes (≤ 900 kB each).
 *
 * Memory: one 64 kB input buffer, the decoder's block table (4 bytes × 100 kB × level, 3.6 MB at `-9`) and one
 * decoded block. The whole file is never held. Multi-stream files (concatenated bzip2 streams, as written by
 * `pbzip2` and used by the Wikipedia `multistream` dumps) are decoded stream after stream. Block and stream
 * CRCs are checked.
 *
 * Implementation note: seek-bzip 2.0 exposes only whole-buffer `decode`; this drives its block decoder
 * (`_init_block` / `_read_bunzip` / `_start_bunzip`) directly — the same loop as its `decode(…, multistream)` —
 * so the dependency is pinned to `seek-bzip@2.0.x`.
 */
export async function* bz2Chunks(path: string): AsyncGenerator<Uint8Array> {
  const Bunzip = require('seek-bzip') as BunzipCtor;
  const fd = openSync(path, 'r');
  try {
    const inBuf = new Uint8Array(1 << 16);
    let inLen = 0;
    let inPos = 0;
    let fileEof = false;
    const fill = (): void => {
      if (fileEof) return;
      inLen = readSync(fd, inBuf, 0, inBuf.length, null);
      inPos = 0;
      if (inLen === 0) fileEof = true;
    };
    const input: ByteInput = {
      readByte() {
        if (inPos >= inLen) fill();
        if (inPos >= inLen) return -1;
        return inBuf[inPos++] as number;
      },
      read(buf, off, len) {
        let n = 0;
        while (n < len) {
          const c = this.readByte();
          if (c < 0) return n === 0 ? -1 : n;
          buf[off + n++] = c;
        }
        return n;
      },
      eof() {
        if (inPos < inLen) return false;
        fill();
        return inPos >= inLen;
      },
      seek() {
        throw new Error('bz2: seeking is not supported by the streaming reader');
      },
    };
    let out = new Uint8Array(1 << 20);
    let outLen = 0;
    const output: ByteOutput = {
      writeByte(b) {
        if (outLen >= out.length) {
          const bigger = new Uint8Array(out.length * 2);
          bigger.set(out);
          out = bigger;
        }
        out[outLen++] = b;
      },
    };
    if (input.eof()) throw new Error(`bz2: ${path} is empty`);
    let bz: BunzipInstance;
    try {
      bz = new Bunzip(input, output);
    } catch (e) {
      throw new Error(`bz2: ${path} is not bzip2 data (${(e as Error).message})`);
    }
    for (;;) {
      try {
        if (bz._init_block()) {
          bz._read_bunzip();
        } else {
          const target = bz.reader.read(32) >>> 0;
          if (target !== bz.streamCRC >>> 0) throw new Error('bad stream CRC');
          if (input.eof()) break;
          bz._start_bunzip(input, output); // next stream of a multi-stream file
        }
      } catch (e) {
        throw new Error(`bz2: ${path}: corrupt or truncated bzip2 data (${(e as Error).message})`);
      }
      if (outLen > 0) {
        yield out.slice(0, outLen);
        outLen = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}
