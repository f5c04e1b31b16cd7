import { createReadStream } from 'node:fs';
import { bz2Chunks } from './bz2.js';

/** A line of text with its 1-based line number. */
export interface NumberedLine {
  line: string;
  lineNumber: number;
}

/**
 * Stream the decoded UTF-8 text of a file in chunks (transparently bunzip2-decoded for `.bz2` names).
 * Multi-byte characters split across chunks are handled by a streaming `TextDecoder`. A leading UTF-8 BOM is
 * removed.
 */
export async function* readTextChunks(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const source: AsyncIterable<Uint8Array> = path.endsWith('.bz2')
    ? bz2Chunks(path)
    : createReadStream(path, { highWaterMark: 1 << 16 });
  let first = true;
  for await (const chunk of source) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/**
 * Stream the lines of a text file (`\n` or `\r\n` endings; a UTF-8 BOM is dropped; `.bz2` is decoded).
 * Memory is bounded by the longest line. A final line without a newline is yielded; a trailing newline does
 * not produce an empty last line.
 * @example
 * for await (const { line, lineNumber } of readLines('train.tsv')) { ... }
 */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  let carry = '';
  let lineNumber = 0;
  for await (const text of readTextChunks(path)) {
    carry += text;
    let start = 0;
    for (;;) {
      const nl = carry.indexOf('\n', start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && carry.charCodeAt(end - 1) === 13) end--;
      lineNumber++;
      yield { line: carry.slice(start, end), lineNumber };
      start = nl + 1;
    }
    carry = carry.slice(start);
  }
  if (carry.length > 0) {
    if (carry.endsWith('\r')) carry = carry.slice(0, -1);
    lineNumber++;
    yield { line: carry, lineNumber };
  }
}
