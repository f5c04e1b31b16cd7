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

/**
 * Paths of the embedded pretraining corpus (`corpus/pretrain/*.txt`, sorted): plain UTF-8 text, one paragraph
 * per line, documents separated by a blank line. About 2.5 MB of public-domain English (Moby-Dick; US State of
 * the Union addresses 1983–2021).
 *
 * @example
 * embeddedCorpusPaths(); // ['/…/corpus/pretrain/moby-dick.txt', '/…/corpus/pretrain/sotu.txt']
 */
export function embeddedCorpusPaths(): string[] {
  const dir = join(embeddedCorpusDir(), 'pretrain');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Paths of the embedded finetuning task: TSV with header `sentence1\tsentence2\tlabel`, label 1 when the example
 * sentence (sentence2) illustrates the WordNet definition (sentence1), 0 when the definition is another sense of
 * one of its words. 6000 train / 1000 dev pairs, about balanced.
 *
 * @example
 * embeddedTaskPaths(); // { train: '/…/corpus/task/train.tsv', dev: '/…/corpus/task/dev.tsv', numLabels: 2 }
 */
export function embeddedTaskPaths(): { train: string; dev: string; numLabels: number; columns: string[] } {
  const dir = join(embeddedCorpusDir(), 'task');
  return {
    train: join(dir, 'train.tsv'),
    dev: join(dir, 'dev.tsv'),
    numLabels: 2,
    columns: ['sentence1', 'sentence2', 'label'],
  };
}

/** Directory of the embedded uncased 8192-token WordPiece tokenizer (vocab.txt, tokenizer.json). */
export function embeddedTokenizerDir(): string {
  return join(embeddedCorpusDir(), 'tokenizer');
}

/**
 * The embedded uncased WordPiece tokenizer (8192 tokens, trained on the embedded corpus).
 *
 * @example
 * const tok = await loadEmbeddedTokenizer(); // tok.vocabSize === 8192
 */
export function loadEmbeddedTokenizer(): Promise<BertTokenizer> {
  return loadTokenizer(join(embeddedTokenizerDir(), 'tokenizer.json'));
}
