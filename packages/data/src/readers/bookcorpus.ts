import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readLines, type TextDecodeOptions } from './lines.js';
import type { CorpusDocument } from './types.js';

/**
 * Expand paths: a directory becomes its regular files (recursively, sorted by name, hidden files skipped);
 * a file stays. A missing path is an error naming it.
 */
export function expandPaths(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (!name.startsWith('.')) walk(join(p, name));
      }
    } else out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

/**
 * Stream BookCorpus-style plain text: one book per file, one sentence or paragraph per line (blank lines
 * ignored). `path` may be a file or a directory of files. Each file is one document (`id` = file name), or, with
 * `blankLineSeparatesDocuments`, each blank-line-separated block is (the embedded corpus layout).
 * Memory: one book's lines (books are a few hundred kB).
 * @example
 * for await (const doc of readBookCorpusText('books/')) doc.paragraphs; // one entry per non-empty line
 */
export async function* readBookCorpusText(
  path: string | string[],
  opts: { blankLineSeparatesDocuments?: boolean } & TextDecodeOptions = {},
): AsyncGenerator<CorpusDocument> {
  for (const file of expandPaths(Array.isArray(path) ? path : [path])) {
    let paragraphs: string[] = [];
    let startLine = 1;
    let part = 0;
    for await (const { line, lineNumber } of readLines(file, opts)) {
      const t = line.replace(/\s+/g, ' ').trim();
      if (t.length > 0) {
        if (paragraphs.length === 0) startLine = lineNumber;
        paragraphs.push(t);
      } else if (opts.blankLineSeparatesDocuments && paragraphs.length > 0) {
        yield { id: `${basename(file)}#${part++}`, paragraphs, source: `${file}:${startLine}` };
        paragraphs = [];
      }
    }
    if (paragraphs.length > 0) {
      const id = opts.blankLineSeparatesDocuments ? `${basename(file)}#${part}` : basename(file);
      yield { id, paragraphs, source: `${file}:${startLine}` };
    }
  }
}
