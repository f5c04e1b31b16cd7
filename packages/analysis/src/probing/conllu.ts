import { readFile } from 'node:fs/promises';

/** One syntactic word of a CoNLL-U sentence (multiword-token ranges and empty nodes are not words). */
export interface ConlluWord {
  /** 1-based word index (column ID). */
  id: number;
  form: string;
  lemma: string;
  upos: string;
  xpos: string;
  feats: string;
  /** Head word id (0 = root), or null when the column is `_`. */
  head: number | null;
  deprel: string;
  deps: string;
  misc: string;
  /** 1-based line number in the file. */
  line: number;
}

/** One sentence: its words (IDs 1 … n in order) and comment lines. */
export interface ConlluSentence {
  words: ConlluWord[];
  /** Comment lines without the leading `#` (trimmed). */
  comments: string[];
  /** `# sent_id = …` when present. */
  sentId?: string;
  /** `# text = …` when present. */
  text?: string;
  /** Line of the sentence's first line (comment or word). */
  line: number;
  /** Multiword-token lines skipped (e.g. `1-2`). */
  skippedRanges: number;
  /** Empty-node lines skipped (e.g. `1.1`). */
  skippedEmpty: number;
}

const WORD_ID = /^[1-9]\d*$/;
const RANGE_ID = /^[1-9]\d*-[1-9]\d*$/;
const EMPTY_ID = /^\d+\.[1-9]\d*$/;

/**
 * Parse CoNLL-U text (Universal Dependencies v2): sentences separated by blank lines, `#` comments, ten tab-separated
 * columns ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC. Multiword-token ranges (`1-2`) and empty nodes (`1.1`)
 * are skipped (counted). Errors name `file:line` and what was expected.
 *
 * @example
 * const s = parseConllu('# text = Hi .\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n2\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n');
 * s[0].words.map((w) => w.upos); // ['INTJ', 'PUNCT']
 */
export function parseConllu(text: string, file = '<conllu>'): ConlluSentence[] {
  const lines = text.split(/\r?\n/);
  const out: ConlluSentence[] = [];
  let cur: ConlluSentence | null = null;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '') {
      if (cur) out.push(checkSentence(cur, file, lineNo));
      cur = null;
      continue;
    }
    cur ??= { words: [], comments: [], line: lineNo, skippedRanges: 0, skippedEmpty: 0 };
    if (raw.startsWith('#')) addComment(cur, raw);
    else addWordLine(cur, raw, file, lineNo);
  }
  if (cur) out.push(checkSentence(cur, file, lines.length));
  return out;
}

/** A finished sentence: it has words, and every HEAD is a word of it (not the word itself). */
function checkSentence(cur: ConlluSentence, file: string, endLine: number): ConlluSentence {
  if (cur.words.length === 0) {
    throw new Error(`${file}:${cur.line}: sentence has comments but no word lines (ends at line ${endLine})`);
  }
  const n = cur.words.length;
  for (const w of cur.words) {
    if (w.head !== null && w.head > n) {
      throw new Error(
        `${file}:${w.line}: HEAD ${w.head} of word ${w.id} is not a word of this sentence (1..${n} or 0)`,
      );
    }
    if (w.head === w.id) throw new Error(`${file}:${w.line}: word ${w.id} is its own HEAD`);
  }
  return cur;
}

/** A `#` line: kept, and `sent_id = …` / `text = …` read into the sentence. */
function addComment(cur: ConlluSentence, raw: string): void {
  const body = raw.slice(1).trim();
  cur.comments.push(body);
  const m = /^(sent_id|text)\s*=\s*(.*)$/.exec(body);
  if (m) {
    if (m[1] === 'sent_id') cur.sentId = m[2]!;
    else cur.text = m[2]!;
  }
}

/** One token line: a word (checked and added), or a multiword range / empty node (counted). */
function addWordLine(cur: ConlluSentence, raw: string, file: string, lineNo: number): void {
  const cols = raw.split('\t');
  if (cols.length !== 10) {
    throw new Error(
      `${file}:${lineNo}: expected 10 tab-separated columns (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), got ${cols.length}`,
    );
  }
  const id = cols[0]!;
  if (RANGE_ID.test(id)) {
    const [a, b] = id.split('-').map(Number) as [number, number];
    if (b < a) throw new Error(`${file}:${lineNo}: multiword token range '${id}' must have start <= end`);
    cur.skippedRanges++;
    return;
  }
  if (EMPTY_ID.test(id)) {
    cur.skippedEmpty++;
    return;
  }
  if (!WORD_ID.test(id)) {
    throw new Error(
      `${file}:${lineNo}: ID must be an integer >= 1, a range 'a-b' or a decimal 'a.b', got '${id}'`,
    );
  }
  const wid = Number(id);
  const expected = cur.words.length + 1;
  if (wid !== expected) throw new Error(`${file}:${lineNo}: expected word ID ${expected}, got ${wid}`);
  const headCol = cols[6]!;
  let head: number | null = null;
  if (headCol !== '_') {
    if (!/^\d+$/.test(headCol))
      throw new Error(`${file}:${lineNo}: HEAD must be an integer >= 0 or '_', got '${headCol}'`);
    head = Number(headCol);
  }
  const form = cols[1]!;
  if (form === '') throw new Error(`${file}:${lineNo}: FORM is empty`);
  const [lemma, upos, xpos, feats] = [cols[2]!, cols[3]!, cols[4]!, cols[5]!];
  const [deprel, deps, misc] = [cols[7]!, cols[8]!, cols[9]!];
  cur.words.push({ id: wid, form, lemma, upos, xpos, feats, head, deprel, deps, misc, line: lineNo });
}

/**
 * Read and parse a CoNLL-U file (UTF-8).
 *
 * @example
 * const sentences = await readConllu('en_ewt-ud-dev.conllu'); // ConlluSentence[]
 */
export async function readConllu(path: string): Promise<ConlluSentence[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read CoNLL-U file (${(e as Error).message})`);
  }
  const s = parseConllu(text, path);
  if (s.length === 0) throw new Error(`${path}: no sentences found (empty CoNLL-U file)`);
  return s;
}

/**
 * Tree depth of every word: the number of HEAD steps to the root (root word = 0). Throws (naming `file:line`) on a
 * cycle or a missing (`_`) head.
 *
 * @example
 * treeDepths(sentence); // [1, 0, 2, ...] one per word
 */
export function treeDepths(sentence: ConlluSentence, file = '<conllu>'): number[] {
  const n = sentence.words.length;
  const depth = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const path: number[] = [];
    let j = i;
    while (depth[j]! < 0) {
      const w = sentence.words[j]!;
      if (w.head === null) {
        throw new Error(
          `${file}:${w.line}: word ${w.id} has no HEAD ('_'); tree depth needs a complete tree`,
        );
      }
      if (path.includes(j)) {
        throw new Error(`${file}:${w.line}: HEAD relations form a cycle through word ${w.id}`);
      }
      path.push(j);
      if (w.head === 0) {
        depth[j] = 0;
        break;
      }
      j = w.head - 1;
    }
    let d = depth[j]!;
    for (let k = path.length - 1; k >= 0; k--) {
      if (path[k] === j && depth[j]! >= 0) continue;
      d += 1;
      depth[path[k]!] = d;
    }
  }
  return depth;
}
