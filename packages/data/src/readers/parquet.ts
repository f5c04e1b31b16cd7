import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { CorpusDocument } from './types.js';

/** One parquet row as an object, with its 0-based row number in the file. */
export interface ParquetRowRef {
  row: Record<string, unknown>;
  rowNumber: number;
}

/**
 * Stream the rows of a parquet file one row group at a time (memory: one row group of the requested columns).
 * Snappy, gzip, zstd, brotli and lz4 pages are decoded (hyparquet + hyparquet-compressors). A missing column
 * is an error naming the file and the columns it has.
 * @example
 * for await (const { row } of readParquetRows('train-00000-of-00001.parquet', ['text'])) row.text;
 */
export async function* readParquetRows(path: string, columns: string[]): AsyncGenerator<ParquetRowRef> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    file = await asyncBufferFromFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot open parquet file (${(e as Error).message})`);
  }
  if (file.byteLength === 0) throw new Error(`${path}: empty file`);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new Error(`${path}: not a parquet file (${(e as Error).message})`);
  }
  const have = metadata.schema.slice(1).map((s) => s.name);
  for (const c of columns) {
    if (!have.includes(c))
      throw new Error(`${path}: parquet column "${c}" not found (columns: ${have.join(', ')})`);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const n = Number(group.num_rows);
    const rows = await parquetReadObjects({
      file,
      metadata,
      columns,
      rowStart,
      rowEnd: rowStart + n,
      compressors,
    });
    for (let i = 0; i < rows.length; i++)
      yield { row: rows[i] as Record<string, unknown>, rowNumber: rowStart + i };
    rowStart += n;
  }
}

/** The names of the top-level columns of a parquet file. */
export async function parquetColumns(path: string): Promise<string[]> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  return metadata.schema.slice(1).map((s) => s.name);
}

/**
 * Stream Wikipedia articles from the Hugging Face parquet layout (`wikipedia` / `wikimedia/wikipedia`:
 * columns `id, url, title, text`, text already plain with paragraphs separated by newlines).
 * @example
 * for await (const doc of readWikipediaParquet('train-00000-of-00041.parquet')) doc.title;
 */
export async function* readWikipediaParquet(path: string): AsyncGenerator<CorpusDocument> {
  for await (const { row, rowNumber } of readParquetRows(path, ['id', 'title', 'text'])) {
    const text = row.text;
    if (typeof text !== 'string') throw new Error(`${path}#${rowNumber}: column "text" is not a string`);
    const paragraphs = text
      .split(/\n+/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p.length > 0);
    if (paragraphs.length === 0) continue;
    yield { id: String(row.id), title: String(row.title ?? ''), paragraphs, source: `${path}#${rowNumber}` };
  }
}

/**
 * Stream BookCorpus from the Hugging Face parquet layout (`bookcorpus`: one column `text`, one sentence per row,
 * no book boundaries). Consecutive rows are grouped into pseudo-documents of `rowsPerDocument` rows (default
 * 256) so that packing has documents to work with.
 * @example
 * for await (const doc of readBookCorpusParquet('train-00000-of-00010.parquet')) doc.paragraphs.length; // ≤ 256
 */
export async function* readBookCorpusParquet(
  path: string,
  opts: { rowsPerDocument?: number } = {},
): AsyncGenerator<CorpusDocument> {
  const per = opts.rowsPerDocument ?? 256;
  let paragraphs: string[] = [];
  let first = 0;
  for await (const { row, rowNumber } of readParquetRows(path, ['text'])) {
    const text = row.text;
    if (typeof text !== 'string') throw new Error(`${path}#${rowNumber}: column "text" is not a string`);
    if (paragraphs.length === 0) first = rowNumber;
    const t = text.replace(/\s+/g, ' ').trim();
    if (t.length > 0) paragraphs.push(t);
    if (paragraphs.length >= per) {
      yield { id: `rows ${first}-${rowNumber}`, paragraphs, source: `${path}#${first}` };
      paragraphs = [];
    }
  }
  if (paragraphs.length > 0) yield { id: `rows ${first}-`, paragraphs, source: `${path}#${first}` };
}
