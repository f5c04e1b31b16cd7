/** One document from a corpus reader: a title (when the source has one) and its paragraphs of plain text. */
export interface CorpusDocument {
  /** Source-specific id (Wikipedia page id, file name for a book, `row N` for parquet rows). */
  id: string;
  /** Article title, when the source has one. */
  title?: string;
  /** Plain-text paragraphs (no markup), non-empty strings. */
  paragraphs: string[];
  /** Where the document came from, for error messages: `file:line` or `file#row`. */
  source: string;
}

/** Corpus formats understood by {@link readCorpus}. */
export type CorpusFormat = 'wiki-xml' | 'wikiextractor' | 'parquet' | 'text';
