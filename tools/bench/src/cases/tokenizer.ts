/**
 * Tokenizer throughput (plain JS, no tensors): encode the embedded corpus with the embedded 8k uncased
 * tokenizer and with the bert-base-uncased vocabulary, and time WordPiece training. Rows use backend `js`;
 * they are produced once, in the run whose backends include `cpu`.
 */
import { readFileSync } from 'node:fs';
import { BertTokenizer, embeddedCorpusPaths, loadEmbeddedTokenizer, trainWordPiece } from '@bigs/data';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';

const BERT_VOCAB = new URL(
  '../../../../packages/data/src/tokenizer/fixtures/bert-base-uncased-vocab.txt',
  import.meta.url,
);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function encodeRow(
  name: string,
  tok: BertTokenizer,
  lines: string[],
  runs: number,
  offsets: boolean,
): BenchRow {
  let tokens = 0;
  let chars = 0;
  for (const l of lines) chars += l.length;
  // warm-up
  for (const l of lines.slice(0, 200)) tok.encode(l, null, { returnOffsets: offsets });
  const runsMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    tokens = 0;
    const t0 = performance.now();
    for (const l of lines) tokens += tok.encode(l, null, { returnOffsets: offsets }).inputIds.length;
    runsMs.push(performance.now() - t0);
  }
  const medianMs = median(runsMs);
  const tps = Math.round(tokens / (medianMs / 1000));
  return {
    suite: 'tokenizer',
    name,
    backend: 'js',
    pass: 'fwd',
    params: {
      lines: lines.length,
      chars,
      tokens,
      tokensPerSec: tps,
      MBPerSec: +(chars / 1e6 / (medianMs / 1000)).toFixed(2),
    },
    medianMs,
    runsMs,
    note: `${tps.toLocaleString('en-US')} tokens/s`,
  };
}

export const tokenizerSuite: BenchSuite = {
  name: 'tokenizer',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    // Engine-independent: measure once, in the run that includes cpu (or when no backend is named).
    if (ctx.backends.length > 0 && !ctx.backends.includes('cpu')) return [];
    const all: string[] = [];
    for (const p of embeddedCorpusPaths())
      for (const l of readFileSync(p, 'utf8').split('\n')) if (l) all.push(l);
    const lines = ctx.quick ? all.slice(0, 500) : all;
    const runs = ctx.quick ? 1 : 3;
    const rows: BenchRow[] = [];
    const embedded = await loadEmbeddedTokenizer();
    ctx.log(`tokenizer: encoding ${lines.length} lines`);
    rows.push(encodeRow('encode embedded-8k uncased', embedded, lines, runs, false));
    rows.push(encodeRow('encode embedded-8k uncased +offsets', embedded, lines, runs, true));
    const bert = BertTokenizer.fromVocabTxt(readFileSync(BERT_VOCAB, 'utf8'));
    rows.push(encodeRow('encode bert-base-uncased', bert, lines, runs, false));
    const trainLines = ctx.quick ? lines.slice(0, 300) : lines;
    const t0 = performance.now();
    const { stats } = await trainWordPiece(trainLines, { vocabSize: ctx.quick ? 1000 : 8192 });
    const ms = performance.now() - t0;
    rows.push({
      suite: 'tokenizer',
      name: `train wordpiece vocab=${ctx.quick ? 1000 : 8192}`,
      backend: 'js',
      pass: 'fwd',
      params: { lines: trainLines.length, words: stats.totalWords, merges: stats.merges },
      medianMs: ms,
      runsMs: [ms],
    });
    return rows;
  },
};
