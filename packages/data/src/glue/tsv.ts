import { readLines, type TextDecodeOptions } from '../readers/lines.js';

/** A TSV row: its fields (split on tabs, read literally — quotes are text) and 1-based line number. */
export interface TsvRow {
  fields: string[];
  lineNumber: number;
}

/**
 * Stream a TSV file literally: fields split on `\t` only, no quote processing (MNLI and SST-2 contain
 * unbalanced `"` that break CSV parsers), UTF-8 BOM dropped, `\r\n` accepted. Blank lines are skipped.
 * Strict UTF-8: invalid bytes are an error `file:line` unless `opts.invalidUtf8` is `replace` (U+FFFD).
 * @example
 * for await (const { fields, lineNumber } of readTsv('MNLI/train.tsv')) fields.length; // 12
 */
export async function* readTsv(path: string, opts: TextDecodeOptions = {}): AsyncGenerator<TsvRow> {
  for await (const { line, lineNumber } of readLines(path, opts)) {
    if (line.length === 0) continue;
    yield { fields: line.split('\t'), lineNumber };
  }
}
