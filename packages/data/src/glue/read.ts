import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TextDecodeOptions } from '../readers/lines.js';
import { readParquetRows } from '../readers/parquet.js';
import { type GlueSplit, type GlueTaskSpec, glueTask, hfSplitName } from './tasks.js';
import { readTsv } from './tsv.js';
import type { GlueExample, GlueReadReport, ReadGlueOptions } from './types.js';

/** Where a split's data lives. */
export type GlueSource =
  | { kind: 'tsv'; file: string }
  | { kind: 'mrpc-original'; trainFile: string; devIdsFile: string; split: 'train' | 'dev' }
  | { kind: 'mrpc-original-test'; file: string }
  | { kind: 'parquet'; files: string[] };

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function tsvName(spec: GlueTaskSpec, split: GlueSplit): string {
  if (spec.task === 'ax') return 'diagnostic.tsv';
  return `${split}.tsv`;
}

/**
 * Find the files for a task and split under `dataDir`: the GLUE download layout (`CoLA/train.tsv`,
 * `MNLI/dev_matched.tsv`, `diagnostic/diagnostic.tsv`, MRPC's `msr_paraphrase_*.txt` + `dev_ids.tsv` when
 * `train.tsv` is absent), `dataDir` being the task folder itself, or the HF parquet layout
 * (`<task>/<split>-*.parquet`, `dev` → `validation`). Missing data is an error naming what was looked for.
 */
export function resolveGlueSource(dataDir: string, taskName: string, splitName: string): GlueSource {
  const spec = glueTask(taskName);
  const split = splitName as GlueSplit;
  if (!spec.splits.includes(split)) {
    throw new Error(
      `GLUE task ${spec.task} has no split "${splitName}" (expected one of ${spec.splits.join(', ')})`,
    );
  }
  if (!isDir(dataDir)) throw new Error(`--data-dir ${dataDir}: no such directory`);
  const taskDirs = [join(dataDir, spec.dir)];
  if (basename(dataDir).toLowerCase() === spec.dir.toLowerCase()) taskDirs.push(dataDir);
  if (spec.task === 'ax') taskDirs.push(dataDir);
  const looked: string[] = [];
  for (const d of taskDirs) {
    const names = spec.task === 'ax' ? ['diagnostic.tsv', 'AX.tsv'] : [tsvName(spec, split)];
    for (const n of names) {
      const f = join(d, n);
      looked.push(f);
      if (existsSync(f)) return { kind: 'tsv', file: f };
    }
    if (spec.task === 'mrpc') {
      const train = join(d, 'msr_paraphrase_train.txt');
      const test = join(d, 'msr_paraphrase_test.txt');
      const devIds = join(d, 'dev_ids.tsv');
      if (split === 'test' && existsSync(test)) return { kind: 'mrpc-original-test', file: test };
      if (split !== 'test' && existsSync(train) && existsSync(devIds)) {
        return {
          kind: 'mrpc-original',
          trainFile: train,
          devIdsFile: devIds,
          split: split as 'train' | 'dev',
        };
      }
    }
  }
  const hf = hfSplitName(split);
  const pqDirs = [join(dataDir, spec.task), join(dataDir, 'glue', spec.task)];
  if (basename(dataDir).toLowerCase() === spec.task) pqDirs.push(dataDir);
  for (const d of pqDirs) {
    if (!isDir(d)) continue;
    const files = readdirSync(d)
      .filter((n) => n.endsWith('.parquet') && (n === `${hf}.parquet` || n.startsWith(`${hf}-`)))
      .sort()
      .map((n) => join(d, n));
    if (files.length > 0) return { kind: 'parquet', files };
    looked.push(join(d, `${hf}-*.parquet`));
  }
  throw new Error(
    `GLUE ${spec.task} ${split}: no data found under ${dataDir} (looked for ${looked.join(', ')})`,
  );
}

class Malformed extends Error {}

function parseLabel(spec: GlueTaskSpec, raw: string): number {
  const v = raw.trim();
  if (spec.labelNames === null) {
    const f = Number(v);
    if (v === '' || !Number.isFinite(f)) throw new Malformed(`label "${raw}" is not a number`);
    return f;
  }
  const byName = spec.labelNames.indexOf(v);
  if (byName >= 0) return byName;
  if (/^-?\d+$/.test(v)) {
    const n = Number(v);
    if (n >= 0 && n < spec.labelNames.length) return n;
  }
  throw new Malformed(
    `label "${raw}" is not one of ${spec.labelNames.join(', ')} or 0..${spec.labelNames.length - 1}`,
  );
}

function newReport(): GlueReadReport {
  return { read: 0, skipped: 0, skippedDetails: [], files: [] };
}

/**
 * Stream one split of a GLUE task as `{ idx, textA, textB, label }` examples, from the GLUE TSV download or the
 * HF parquet layout (see {@link resolveGlueSource}). Labels use the HF `glue` order ({@link glueLabelNames});
 * STS-B labels are float scores; test splits (and AX) have `label: null`. TSV fields are read literally.
 * A malformed row (too few fields, bad label) is an error `file:line: reason`, or skipped and counted in
 * `opts.report` with `skipMalformed`. An empty file is an error. TSV text is decoded as strict UTF-8: invalid bytes
 * are an error `file:line: not valid UTF-8 …` unless `invalidUtf8: 'replace'` (U+FFFD).
 * @example
 * for await (const ex of readGlue({ task: 'mnli', split: 'dev_matched', dataDir: 'glue_data' })) ex.label; // 0|1|2
 */
export async function* readGlue(opts: ReadGlueOptions): AsyncGenerator<GlueExample> {
  const spec = glueTask(opts.task);
  const source = resolveGlueSource(opts.dataDir, opts.task, opts.split);
  const report = opts.report ?? newReport();
  const isTest = opts.split.startsWith('test') || spec.task === 'ax';
  const decode = { invalidUtf8: opts.invalidUtf8 ?? 'error' } as const;
  const fail: Fail = (where, reason) => {
    if (!opts.skipMalformed) throw new Error(`${where}: ${reason}`);
    report.skipped++;
    if (report.skippedDetails.length < 20) report.skippedDetails.push(`${where}: ${reason}`);
  };
  if (source.kind === 'parquet') {
    for (const file of source.files) yield* readParquetGlue(spec, file, isTest, report, fail);
  } else if (source.kind === 'mrpc-original' || source.kind === 'mrpc-original-test') {
    yield* readMrpcOriginal(spec, source, report, fail, decode);
  } else {
    yield* readTsvGlue(spec, source.file, isTest, report, fail, decode);
  }
}

/** Record a malformed row: throw `where: reason`, or count and keep it in the report (`skipMalformed`). */
type Fail = (where: string, reason: string) => void;

/** One parquet file of the HF layout: text columns, `label` (−1 or null: none), `idx`. */
async function* readParquetGlue(
  spec: GlueTaskSpec,
  file: string,
  isTest: boolean,
  report: GlueReadReport,
  fail: Fail,
): AsyncGenerator<GlueExample> {
  report.files.push(file);
  const cols = [spec.hfTextA, ...(spec.hfTextB ? [spec.hfTextB] : [])];
  let n = 0;
  for await (const { row, rowNumber } of readParquetRows(file, [...cols, 'label', 'idx'])) {
    n++;
    const a = row[spec.hfTextA];
    const b = spec.hfTextB ? row[spec.hfTextB] : null;
    const lab = row.label;
    if (typeof a !== 'string' || (spec.hfTextB && typeof b !== 'string')) {
      fail(`${file}#${rowNumber}`, 'text column is not a string');
      continue;
    }
    const labNum = lab === null || lab === undefined ? -1 : Number(lab);
    const label = isTest || labNum === -1 ? null : labNum;
    if (
      label !== null &&
      (!Number.isFinite(label) || (spec.labelNames && !(label >= 0 && label < spec.labelNames.length)))
    ) {
      fail(`${file}#${rowNumber}`, `label ${String(lab)} out of range`);
      continue;
    }
    report.read++;
    yield { idx: Number(row.idx ?? rowNumber), textA: a, textB: (b as string | null) ?? null, label };
  }
  if (n === 0) throw new Error(`${file}: no rows`);
}

/** Columns of text A, text B (−1: none) and the label (−1: none) of a GLUE TSV. */
interface TsvColumns {
  colA: number;
  colB: number;
  colLabel: number;
}

/** The columns named by a TSV header; an error `file:line` naming the missing ones. */
function headerColumns(
  spec: GlueTaskSpec,
  header: string[],
  isTest: boolean,
  file: string,
  lineNumber: number,
): TsvColumns {
  const colA = header.indexOf(spec.tsvTextA);
  const colB = spec.tsvTextB ? header.indexOf(spec.tsvTextB) : -1;
  const colLabel = spec.tsvLabel && !isTest ? header.indexOf(spec.tsvLabel) : -1;
  if (colA < 0 || (spec.tsvTextB && colB < 0)) {
    const want = [spec.tsvTextA, spec.tsvTextB].filter(Boolean).join(', ');
    throw new Error(`${file}:${lineNumber}: header lacks column(s) ${want} (header: ${header.join(' | ')})`);
  }
  if (!isTest && spec.tsvLabel && colLabel < 0) {
    throw new Error(
      `${file}:${lineNumber}: header lacks label column "${spec.tsvLabel}" (header: ${header.join(' | ')})`,
    );
  }
  return { colA, colB, colLabel };
}

/** A GLUE TSV (CoLA train/dev have no header: sentence in column 3, label in column 1). */
async function* readTsvGlue(
  spec: GlueTaskSpec,
  file: string,
  isTest: boolean,
  report: GlueReadReport,
  fail: Fail,
  decode: { invalidUtf8: 'error' | 'replace' },
): AsyncGenerator<GlueExample> {
  report.files.push(file);
  const noHeader = spec.task === 'cola' && !isTest;
  let cols: TsvColumns | null = noHeader ? { colA: 3, colB: -1, colLabel: 1 } : null;
  let idx = 0;
  let sawLine = false;
  for await (const { fields, lineNumber } of readTsv(file, decode)) {
    sawLine = true;
    if (cols === null) {
      const header = fields.map((f) => f.trim());
      cols = headerColumns(spec, header, isTest, file, lineNumber);
      continue;
    }
    const { colA, colB, colLabel } = cols;
    const rowIdx = idx++;
    const need = Math.max(colA, colB, colLabel) + 1;
    if (fields.length < need) {
      fail(`${file}:${lineNumber}`, `expected at least ${need} tab-separated fields, got ${fields.length}`);
      continue;
    }
    let label: number | null = null;
    if (colLabel >= 0) {
      try {
        label = parseLabel(spec, fields[colLabel] as string);
      } catch (e) {
        if (!(e instanceof Malformed)) throw e;
        fail(`${file}:${lineNumber}`, e.message);
        continue;
      }
    }
    report.read++;
    const textB = colB >= 0 ? (fields[colB] as string) : null;
    yield { idx: rowIdx, textA: fields[colA] as string, textB, label };
  }
  if (!sawLine) throw new Error(`${file}: empty file`);
  if (idx === 0) throw new Error(`${file}: no data rows after the header`);
}

/** MRPC from the original Microsoft files, split into train/dev by `dev_ids.tsv` as HF `glue` does. */
async function* readMrpcOriginal(
  spec: GlueTaskSpec,
  source: Extract<GlueSource, { kind: 'mrpc-original' | 'mrpc-original-test' }>,
  report: GlueReadReport,
  fail: (where: string, reason: string) => void,
  decode: TextDecodeOptions,
): AsyncGenerator<GlueExample> {
  const file = source.kind === 'mrpc-original' ? source.trainFile : source.file;
  let devIds: Set<string> | null = null;
  if (source.kind === 'mrpc-original') {
    devIds = new Set();
    report.files.push(source.devIdsFile);
    for await (const { fields } of readTsv(source.devIdsFile, decode))
      devIds.add(`${fields[0]?.trim()}\t${fields[1]?.trim()}`);
  }
  report.files.push(file);
  let header: string[] | null = null;
  let n = 0;
  for await (const { fields, lineNumber } of readTsv(file, decode)) {
    if (header === null) {
      header = fields.map((f) => f.trim());
      for (const c of ['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String']) {
        if (!header.includes(c)) throw new Error(`${file}:${lineNumber}: header lacks column "${c}"`);
      }
      continue;
    }
    const rowIdx = n++;
    const get = (c: string): string | undefined => fields[(header as string[]).indexOf(c)];
    if (fields.length < header.length) {
      fail(`${file}:${lineNumber}`, `expected ${header.length} tab-separated fields, got ${fields.length}`);
      continue;
    }
    if (source.kind === 'mrpc-original-test') {
      report.read++;
      yield {
        idx: rowIdx,
        textA: get('#1 String') as string,
        textB: get('#2 String') as string,
        label: null,
      };
      continue;
    }
    const inDev = devIds?.has(`${get('#1 ID')?.trim()}\t${get('#2 ID')?.trim()}`) ?? false;
    if (inDev !== (source.split === 'dev')) continue;
    let label: number;
    try {
      label = parseLabel(spec, get('Quality') as string);
    } catch (e) {
      fail(`${file}:${lineNumber}`, (e as Error).message);
      continue;
    }
    report.read++;
    yield { idx: rowIdx, textA: get('#1 String') as string, textB: get('#2 String') as string, label };
  }
  if (header === null) throw new Error(`${file}: empty file`);
}

/** Read a whole split into memory (GLUE splits are small: MNLI train is the largest at 393k rows). */
export async function loadGlue(opts: ReadGlueOptions): Promise<GlueExample[]> {
  const out: GlueExample[] = [];
  for await (const ex of readGlue(opts)) out.push(ex);
  return out;
}
