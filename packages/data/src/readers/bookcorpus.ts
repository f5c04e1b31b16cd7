import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readLines } from './lines.js';
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
 * ignored). `path` may be a file or a directory of files. Each file is one document (`id` = file name).
 * Memory: one book's lines (books are a few hundred kB).
 * @example
 * for await (const doc of readBookCorpusText('books/')) doc.paragraphs; // one entry per non-empty line
 */
export async function* readBookCorpusText(path: string | string[]): AsyncGenerator<CorpusDocument> {
  for (const file of expandPaths(Array.isArray(path) ? path : [path])) {
    const paragraphs: string[] = [];
    for await (const { line } of readLines(file)) {
      const t = line.replace(/\s+/g, ' ').trim();
      if (t.length > 0) paragraphs.push(t);
    }
    if (paragraphs.length > 0) yield { id: basename(file), paragraphs, source: `${file}:1` };
  }
}
