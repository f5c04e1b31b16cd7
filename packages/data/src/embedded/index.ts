import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { loadTokenizer } from '../tokenizer/io.js';

/**
 * The package's own `corpus/` directory, found from this module's location (works from `src/embedded/` under
 * tests and from the bundled `dist/` after a build).
 *
 * @example
 * embeddedCorpusDir(); // '/…/node_modules/@bigs/data/corpus'
 */
export function embeddedCorpusDir(): string {
  for (const rel of ['../corpus/', '../../corpus/', '../../../corpus/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'tokenizer', 'vocab.txt'))) return dir;
  }
  throw new Error(`embedded corpus: no corpus/ directory found near ${fileURLToPath(import.meta.url)}`);
}

/** Names of the embedded pretraining texts used when none are chosen (what the shipped tokenizer was trained on). */
export const DEFAULT_CORPORA: readonly string[] = Object.freeze(['moby-dick', 'sotu']);

/** `name → path` of every embedded pretraining text: `corpus/pretrain/*.txt` (the default) and `corpus/extra/*.txt`. */
function corpusFiles(): Map<string, string> {
  const root = embeddedCorpusDir();
  const out = new Map<string, string>();
  for (const sub of ['pretrain', 'extra']) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.txt')) out.set(f.slice(0, -4), join(dir, f));
  }
  return out;
}

/**
 * Names of every embedded pretraining text, sorted (see `corpus/LICENSE` for each source): `moby-dick`, `sotu`
 * (the default pair) and the extra ones such as `brown` (a quarter of the Brown Corpus, tags removed).
 *
 * @example
 * embeddedCorpusNames(); // ['brown', 'moby-dick', 'sotu']
 */
export function embeddedCorpusNames(): string[] {
  return [...corpusFiles().keys()].sort();
}

/**
 * Paths of embedded pretraining texts: plain UTF-8, one paragraph per line, documents separated by a blank line.
 * Without `names`, the default pair ({@link DEFAULT_CORPORA}: about 2.5 MB of public-domain English, Moby-Dick and
 * the US State of the Union addresses 1983–2021). An unknown name throws listing the known ones.
 *
 * @example
 * embeddedCorpusPaths(); // ['/…/corpus/pretrain/moby-dick.txt', '/…/corpus/pretrain/sotu.txt']
 * embeddedCorpusPaths(['brown', 'sotu']); // ['/…/corpus/extra/brown.txt', '/…/corpus/pretrain/sotu.txt']
 */
export function embeddedCorpusPaths(names: readonly string[] = DEFAULT_CORPORA): string[] {
  const files = corpusFiles();
  if (names.length === 0) throw new Error('embedded corpus: no corpus named (give at least one)');
  return names.map((n) => {
    const p = files.get(n);
    if (!p)
      throw new Error(
        `embedded corpus: no text named "${n}" (known: ${[...files.keys()].sort().join(', ')})`,
      );
    return p;
  });
}

/** Names of the embedded finetuning tasks. */
export const EMBEDDED_TASKS = ['spam', 'wordnet'] as const;
export type EmbeddedTask = (typeof EMBEDDED_TASKS)[number];

/** Where an embedded task's files are and how its rows read. */
export interface EmbeddedTaskFiles {
  train: string;
  dev: string;
  numLabels: number;
  /** The TSV header's columns. */
  columns: string[];
}

/**
 * Paths of an embedded finetuning task (TSV with a header row, label 0 or 1):
 *
 * - `spam` (the default): SpamAssassin public mail corpus, `sentence1\tlabel`, the Subject plus the start of the
 *   body (about 480 characters), 1 = spam. 4000 train / 1000 dev mails (29 % spam in dev).
 * - `wordnet`: `sentence1\tsentence2\tlabel`, 1 when the example sentence (sentence2) illustrates the WordNet
 *   definition (sentence1), 0 when the definition is another sense of one of its words. 6000 / 1000 pairs.
 *
 * @example
 * embeddedTaskPaths(); // { train: '/…/corpus/task/spam/train.tsv', dev: '/…/corpus/task/spam/dev.tsv', numLabels: 2, columns }
 */
export function embeddedTaskPaths(task: EmbeddedTask = 'spam'): EmbeddedTaskFiles {
  if (!EMBEDDED_TASKS.includes(task))
    throw new Error(`embedded task: no task named "${task}" (known: ${EMBEDDED_TASKS.join(', ')})`);
  const dir = join(embeddedCorpusDir(), 'task', task);
  return {
    train: join(dir, 'train.tsv'),
    dev: join(dir, 'dev.tsv'),
    numLabels: 2,
    columns: task === 'spam' ? ['sentence1', 'label'] : ['sentence1', 'sentence2', 'label'],
  };
}

/** Directory of the embedded uncased 8192-token WordPiece tokenizer (vocab.txt, tokenizer.json). */
export function embeddedTokenizerDir(): string {
  return join(embeddedCorpusDir(), 'tokenizer');
}

/**
 * The embedded uncased WordPiece tokenizer (8192 tokens, trained on the default embedded corpus).
 *
 * @example
 * const tok = await loadEmbeddedTokenizer(); // tok.vocabSize === 8192
 */
export function loadEmbeddedTokenizer(): Promise<BertTokenizer> {
  return loadTokenizer(join(embeddedTokenizerDir(), 'tokenizer.json'));
}
