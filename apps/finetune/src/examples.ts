import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedTaskPaths, loadGlue, readLines, readTsv, type TextDecodeOptions } from '@bigs/data';
import type { TaskName } from './tasks.js';

/** One labelled (or, on test splits, unlabelled) example. */
export interface Example {
  /** GLUE row index / scrolls `id`; what the submission file is keyed by. */
  id: string;
  textA: string;
  /** Second segment of pair tasks; `null` for single-sentence tasks. */
  textB: string | null;
  /** Label id (classification), score (STS-B), or `null` when unlabelled. */
  label: number | null;
}

/** Where the data of a task lives. */
export interface DataSource {
  /** GLUE root or task folder (GLUE TSV or HF parquet layout); the embedded task's override folder. */
  dataDir: string | null;
  /** Scrolls JSON-lines files. */
  trainFile?: string | null;
  validationFile?: string | null;
  testFile?: string | null;
  /** Scrolls: split `input` on the first blank line ("\n\n") into a pair (the official contract_nli handling). */
  splitInputPair?: boolean;
  /** Invalid UTF-8 in the files: an error naming file:line (default) or U+FFFD (`replace`). */
  invalidUtf8?: 'error' | 'replace';
}

/** A raw scrolls example (label still a string). */
export interface ScrollsRow {
  id: string;
  textA: string;
  textB: string | null;
  output: string | null;
}

/**
 * Read a SCROLLS-style JSON-lines file: one object per line with `input` (string) and `output` (string; absent,
 * null or "" on test files), optional `id` / `pid`. With `splitInputPair` the input is split at its first "\n\n"
 * into (A, B), as the official run_glue.py does for contract_nli (hypothesis, then the contract).
 *
 * @example
 * await readScrolls('contract_nli/train.jsonl', true); // [{ id: '…', textA: 'hypothesis', textB: 'contract…', output: 'Entailment' }, …]
 */
export async function readScrolls(
  file: string,
  splitInputPair = false,
  decode: TextDecodeOptions = {},
): Promise<ScrollsRow[]> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const out: ScrollsRow[] = [];
  for await (const { line, lineNumber } of readLines(file, decode)) {
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${lineNumber}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new Error(`${file}:${lineNumber}: expected a JSON object with "input" and "output"`);
    }
    const o = obj as Record<string, unknown>;
    if (typeof o.input !== 'string') {
      throw new Error(
        `${file}:${lineNumber}: field "input" must be a string, got ${JSON.stringify(o.input)}`,
      );
    }
    const output = o.output;
    if (output !== undefined && output !== null && typeof output !== 'string') {
      throw new Error(
        `${file}:${lineNumber}: field "output" must be a string, got ${JSON.stringify(output)}`,
      );
    }
    const id = o.id ?? o.pid ?? String(out.length);
    let textA = o.input;
    let textB: string | null = null;
    if (splitInputPair) {
      const cut = o.input.indexOf('\n\n');
      if (cut >= 0) {
        textA = o.input.slice(0, cut);
        textB = o.input.slice(cut + 2);
      }
    }
    out.push({ id: String(id), textA, textB, output: output === undefined || output === '' ? null : output });
  }
  if (out.length === 0) throw new Error(`${file}: no examples`);
  return out;
}

/** The scrolls label set: the distinct training outputs, sorted (label id = index). */
export function scrollsLabelSet(rows: ScrollsRow[], file: string): string[] {
  const set = new Set<string>();
  for (const r of rows) if (r.output !== null) set.add(r.output);
  if (set.size < 2)
    throw new Error(`${file}: the training outputs hold ${set.size} distinct label(s); need >= 2`);
  return [...set].sort();
}

/** Map scrolls rows to examples with label ids; an output outside the label set is an error naming the file. */
export function scrollsExamples(rows: ScrollsRow[], labels: string[], file: string): Example[] {
  return rows.map((r) => {
    let label: number | null = null;
    if (r.output !== null) {
      label = labels.indexOf(r.output);
      if (label < 0) {
        throw new Error(
          `${file}: example ${r.id} has output "${r.output}", which is not among the training labels (${labels.join(', ')})`,
        );
      }
    }
    return { id: r.id, textA: r.textA, textB: r.textB, label };
  });
}

/**
 * Read an embedded task's TSV: header `sentence1\tlabel` (one text per row, the spam task) or
 * `sentence1\tsentence2\tlabel` (pairs, the WordNet task); label 0 or 1.
 */
export async function readPairTsv(file: string, decode: TextDecodeOptions = {}): Promise<Example[]> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const out: Example[] = [];
  let header: string[] | null = null;
  for await (const { fields, lineNumber } of readTsv(file, decode)) {
    if (header === null) {
      header = fields.map((f) => f.trim());
      for (const c of ['sentence1', 'label']) {
        if (!header.includes(c)) throw new Error(`${file}:${lineNumber}: header lacks column "${c}"`);
      }
      continue;
    }
    const get = (c: string) => (header!.includes(c) ? fields[header!.indexOf(c)] : undefined);
    const raw = get('label')?.trim();
    const label = Number(raw);
    if (raw === undefined || !(label === 0 || label === 1)) {
      throw new Error(`${file}:${lineNumber}: label must be 0 or 1, got ${JSON.stringify(raw)}`);
    }
    const textB = header.includes('sentence2') ? (get('sentence2') ?? '') : null;
    out.push({ id: String(out.length), textA: get('sentence1') ?? '', textB, label });
  }
  if (out.length === 0) throw new Error(`${file}: no examples`);
  return out;
}

/** An embedded task's train / dev files (from `--data-dir` when given, else the package's own). */
export function embeddedFiles(
  dataDir: string | null,
  task: 'embedded' | 'wordnet' = 'embedded',
): { train: string; dev: string } {
  if (dataDir) return { train: join(dataDir, 'train.tsv'), dev: join(dataDir, 'dev.tsv') };
  const p = embeddedTaskPaths(task === 'wordnet' ? 'wordnet' : 'spam');
  return { train: p.train, dev: p.dev };
}

/**
 * Load one split of a GLUE or embedded task as examples (labels in HF `glue` order).
 *
 * @example
 * await loadExamples('rte', 'dev', { dataDir: 'glue_data' }); // [{ id: '0', textA, textB, label: 0 | 1 }, …]
 */
export async function loadExamples(
  task: TaskName | 'ax',
  split: string,
  src: DataSource,
): Promise<Example[]> {
  if (task === 'embedded' || task === 'wordnet') {
    const f = embeddedFiles(src.dataDir, task);
    if (split !== 'train' && split !== 'dev') throw new Error(`${task} task: no split '${split}'`);
    return readPairTsv(split === 'train' ? f.train : f.dev, { invalidUtf8: src.invalidUtf8 ?? 'error' });
  }
  if (task === 'scrolls') throw new Error('loadExamples: scrolls data is read with readScrolls');
  if (!src.dataDir) throw new Error(`--data-dir is required for --task ${task}`);
  const rows = await loadGlue({ task, split, dataDir: src.dataDir, invalidUtf8: src.invalidUtf8 ?? 'error' });
  return rows.map((r) => ({ id: String(r.idx), textA: r.textA, textB: r.textB, label: r.label }));
}
