import { closeSync, openSync, readSync } from 'node:fs';
import { expandPaths, readBookCorpusText } from './bookcorpus.js';
import { bz2Chunks } from './bz2.js';
import { parquetColumns, readBookCorpusParquet, readWikipediaParquet } from './parquet.js';
import type { CorpusDocument, CorpusFormat } from './types.js';
import { readWikipediaXml, type WikiXmlOptions } from './wiki-xml.js';
import { readWikiExtractorDoc, readWikiExtractorJson } from './wikiextractor.js';

/** Read the first bytes of a file as text (decoding bz2 when needed). */
async function head(path: string, n = 4096): Promise<string> {
  if (path.endsWith('.bz2')) {
    for await (const chunk of bz2Chunks(path)) return new TextDecoder().decode(chunk.subarray(0, n));
    return '';
  }
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return new TextDecoder().decode(buf.subarray(0, got));
  } finally {
    closeSync(fd);
  }
}

/**
 * Guess a file's corpus format: `.parquet` → parquet; XML starting with `<mediawiki` → wiki-xml; `<doc ` →
 * wikiextractor; a first line that is a JSON object with `text` → wikiextractor (JSON); otherwise text.
 */
export async function detectFormat(path: string): Promise<CorpusFormat> {
  if (path.endsWith('.parquet')) return 'parquet';
  const h = (await head(path)).replace(/^\uFEFF/, '').trimStart();
  if (h.startsWith('<mediawiki') || (h.startsWith('<?xml') && h.includes('<mediawiki'))) return 'wiki-xml';
  if (h.startsWith('<doc ') || h.startsWith('<doc>')) return 'wikiextractor';
  if (h.startsWith('{') && /"text"\s*:/.test(h)) return 'wikiextractor';
  return 'text';
}

/**
 * Options for {@link readCorpus}. Text formats are decoded as strict UTF-8 (`invalidUtf8`, from
 * {@link WikiXmlOptions}): invalid bytes or a NUL byte (a binary file) are an error naming `file:line` unless
 * `invalidUtf8: 'replace'`.
 */
export interface ReadCorpusOptions extends WikiXmlOptions {
  /** `auto` (default) detects per file with {@link detectFormat}. */
  format?: CorpusFormat | 'auto';
  /** Plain text: a blank line ends a document (default false: one document per file). */
  blankLineSeparatesDocuments?: boolean;
  /** BookCorpus parquet: rows per pseudo-document (default 256). */
  rowsPerDocument?: number;
}

/**
 * Stream documents from many files (directories expanded, sorted) of one or mixed formats. Parquet files with
 * `title` are read as Wikipedia, with only `text` as BookCorpus. WikiExtractor files are JSON-lines or `<doc>`.
 * @example
 * for await (const doc of readCorpus(['wiki.xml.bz2', 'books/'])) doc.paragraphs;
 */
export async function* readCorpus(
  paths: string[],
  opts: ReadCorpusOptions = {},
): AsyncGenerator<CorpusDocument> {
  for (const file of expandPaths(paths)) {
    const format = !opts.format || opts.format === 'auto' ? await detectFormat(file) : opts.format;
    switch (format) {
      case 'wiki-xml':
        yield* readWikipediaXml(file, opts);
        break;
      case 'wikiextractor': {
        const h = (await head(file, 256)).replace(/^\uFEFF/, '').trimStart();
        yield* h.startsWith('{') ? readWikiExtractorJson(file, opts) : readWikiExtractorDoc(file, opts);
        break;
      }
      case 'parquet': {
        const cols = await parquetColumns(file);
        if (cols.includes('title')) yield* readWikipediaParquet(file);
        else yield* readBookCorpusParquet(file, { rowsPerDocument: opts.rowsPerDocument ?? 256 });
        break;
      }
      case 'text':
        yield* readBookCorpusText(file, {
          blankLineSeparatesDocuments: opts.blankLineSeparatesDocuments ?? false,
          ...(opts.invalidUtf8 ? { invalidUtf8: opts.invalidUtf8 } : {}),
        });
        break;
      default:
        throw new Error(
          `readCorpus: unknown format "${String(format)}" (expected auto, wiki-xml, wikiextractor, parquet, text)`,
        );
    }
  }
}
