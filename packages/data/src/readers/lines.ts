import { createReadStream } from 'node:fs';
import { bz2Chunks } from './bz2.js';

/** A line of text with its 1-based line number. */
export interface NumberedLine {
  line: string;
  lineNumber: number;
}

/** How text files are decoded. */
export interface TextDecodeOptions {
  /**
   * `error` (default): bytes that are not valid UTF-8, or a NUL byte (the mark of a binary file), are an
   * {@link TextDecodeError} naming `file:line`. `replace`: invalid bytes become U+FFFD (the replacement character)
   * and NUL bytes are kept, as a lenient decoder does.
   */
  invalidUtf8?: 'error' | 'replace';
}

/** A text file that is not UTF-8 text: `file:line: …` in the message, and the parts as fields. */
export class TextDecodeError extends Error {
  override name = 'TextDecodeError';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    /** `invalid-utf8`: a byte sequence that is not UTF-8; `binary`: a NUL byte. */
    readonly kind: 'invalid-utf8' | 'binary',
  ) {
    super(message);
  }
}

/**
 * Byte offset of the first invalid UTF-8 sequence in `b` (overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes and a sequence cut off by the end all count), or -1 when `b` is valid.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    const c1 = b[i + 1];
    if (c1 === undefined || c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck === undefined || ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

const asBuffer = (u: Uint8Array): Buffer =>
  Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Number of `\n` bytes in `b[0, end)`. */
function countNewlines(b: Buffer, end: number): number {
  let count = 0;
  for (let at = b.indexOf(10, 0); at >= 0 && at < end; at = b.indexOf(10, at + 1)) count++;
  return count;
}

function decodeError(path: string, block: Buffer, firstLine: number, offset: number): TextDecodeError {
  const line = firstLine + countNewlines(block, offset);
  const lineStart = offset === 0 ? 0 : block.lastIndexOf(10, offset - 1) + 1; // (a negative start counts from the end)
  const col = offset - lineStart + 1;
  const byte = block[offset] ?? 0;
  if (byte === 0) {
    return new TextDecodeError(
      `${path}:${line}: not UTF-8 text: a NUL byte at byte ${col} of the line; it looks like a binary file`,
      path,
      line,
      'binary',
    );
  }
  return new TextDecodeError(
    `${path}:${line}: not valid UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} at byte ${col} of the line ` +
      `(a binary file, or text in another encoding such as Latin-1? convert it to UTF-8)`,
    path,
    line,
    'invalid-utf8',
  );
}

/**
 * Stream a file's text in blocks of whole lines (each block but the last ends with `\n`), decoded as UTF-8
 * (transparently bunzip2-decoded for `.bz2` names), with the 1-based line number of each block's first line.
 * A leading UTF-8 BOM is removed. Strict by default: see {@link TextDecodeOptions}. Memory is bounded by the
 * longest line plus one read chunk.
 */
async function* textBlocks(
  path: string,
  opts: TextDecodeOptions,
): AsyncGenerator<{ text: string; firstLine: number }> {
  const strict = (opts.invalidUtf8 ?? 'error') === 'error';
  const decoder = new TextDecoder('utf-8', { fatal: strict, ignoreBOM: true });
  const source: AsyncIterable<Uint8Array> = path.endsWith('.bz2')
    ? bz2Chunks(path)
    : createReadStream(path, { highWaterMark: 1 << 16 });
  let line = 1;
  let first = true;
  let pending: Buffer[] = [];
  const decode = (block: Buffer): string => {
    if (strict) {
      const nul = block.indexOf(0);
      let text: string | null = null;
      try {
        text = decoder.decode(block);
      } catch {
        const bad = firstInvalidUtf8(block);
        const at = nul >= 0 && (bad < 0 || nul < bad) ? nul : Math.max(bad, 0);
        throw decodeError(path, block, line, at);
      }
      if (nul >= 0) throw decodeError(path, block, line, nul);
      return text;
    }
    return decoder.decode(block);
  };
  const emit = (block: Buffer): { text: string; firstLine: number } => {
    let text = decode(block);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out = { text, firstLine: line };
    line += countNewlines(block, block.length);
    return out;
  };
  for await (const raw of source) {
    const chunk = asBuffer(raw);
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) {
      pending.push(chunk);
      continue;
    }
    const head = chunk.subarray(0, nl + 1);
    const block = pending.length > 0 ? Buffer.concat([...pending, head]) : head;
    pending = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
    const out = emit(block);
    if (out.text.length > 0) yield out;
  }
  if (pending.length > 0) {
    const out = emit(Buffer.concat(pending));
    if (out.text.length > 0) yield out;
  }
}

/**
 * Stream the decoded UTF-8 text of a file in chunks of whole lines (transparently bunzip2-decoded for `.bz2`
 * names). A leading UTF-8 BOM is removed. Invalid UTF-8 (or a NUL byte) is an error naming `file:line` unless
 * `opts.invalidUtf8` is `replace`.
 */
export async function* readTextChunks(path: string, opts: TextDecodeOptions = {}): AsyncGenerator<string> {
  for await (const { text } of textBlocks(path, opts)) yield text;
}

/**
 * Stream the lines of a text file (`\n` or `\r\n` endings; a UTF-8 BOM is dropped; `.bz2` is decoded).
 * Memory is bounded by the longest line. A final line without a newline is yielded; a trailing newline does
 * not produce an empty last line. Decoding is strict UTF-8: an invalid byte sequence, or a NUL byte (a binary
 * file), is a {@link TextDecodeError} `file:line: …`; `{ invalidUtf8: 'replace' }` decodes them as U+FFFD instead.
 * @example
 * for await (const { line, lineNumber } of readLines('train.tsv')) { ... }
 */
export async function* readLines(path: string, opts: TextDecodeOptions = {}): AsyncGenerator<NumberedLine> {
  for await (const { text, firstLine } of textBlocks(path, opts)) {
    let lineNumber = firstLine;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const last = nl < 0;
      if (last && start >= text.length) break;
      let end = last ? text.length : nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      yield { line: text.slice(start, end), lineNumber };
      lineNumber++;
      if (last) break;
      start = nl + 1;
    }
  }
}
