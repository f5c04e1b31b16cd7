import type { GlueSplit, GlueTask } from './tasks.js';

/** One GLUE example. `label` is the HF `glue` label id (float score for STS-B), `null` on test splits. */
export interface GlueExample {
  /** Row index in the split, as HF `glue` numbers it (0-based data row of the file). */
  idx: number;
  textA: string;
  /** Second sentence of pair tasks, `null` for CoLA and SST-2. */
  textB: string | null;
  label: number | null;
}

/** Counts filled in while reading (pass an object in {@link ReadGlueOptions.report}). */
export interface GlueReadReport {
  /** Examples yielded. */
  read: number;
  /** Malformed rows skipped (only with `skipMalformed`). */
  skipped: number;
  /** `file:line: reason` of the first few skipped rows. */
  skippedDetails: string[];
  /** The file(s) read. */
  files: string[];
}

/** Options for {@link readGlue}. */
export interface ReadGlueOptions {
  task: GlueTask | string;
  split: GlueSplit | string;
  /** Root of the GLUE download (holding `CoLA/`, `MNLI/`, …) or of the HF parquet layout (`cola/`, …). */
  dataDir: string;
  /** Skip malformed rows instead of failing (counted in `report`). Default false. */
  skipMalformed?: boolean;
  /**
   * TSV files are decoded as strict UTF-8: `error` (default) makes invalid bytes (or a NUL byte: a binary file) an
   * error naming `file:line`; `replace` decodes invalid bytes as U+FFFD (the replacement character) instead.
   */
  invalidUtf8?: 'error' | 'replace';
  /** Filled with counts as reading goes. */
  report?: GlueReadReport;
}
