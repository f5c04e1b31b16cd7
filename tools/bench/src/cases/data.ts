/**
 * Data pipeline throughput (plain JS, no tensors): shard building (read → split sentences → WordPiece →
 * pack → write shards, tokens/s) on the embedded corpus (or a generated document set when the corpus is
 * absent), and MLM batch reading (shuffle + dynamic masking + collation, sequences/s and tokens/s). Rows use
 * backend `js`; they are produced once, in the run whose backends include `cpu`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildShards,
  type CorpusDocument,
  embeddedCorpusPaths,
  fromBertTokenizer,
  loadEmbeddedTokenizer,
  MlmBatchLoader,
  readCorpus,
  ShardSet,
} from '@bigs/data';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A deterministic synthetic document set (used when the embedded corpus is missing). */
function generatedDocs(n: number): CorpusDocument[] {
  const words =
    'the of and to in a is that for it as was with be by on not he this are or his from at which'.split(' ');
  const docs: CorpusDocument[] = [];
  let x = 12345;
  for (let d = 0; d < n; d++) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 8; p++) {
      const sents: string[] = [];
      for (let s = 0; s < 6; s++) {
        const w: string[] = [];
        const len = 6 + (s % 14);
        for (let i = 0; i < len; i++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          w.push(words[x % words.length] as string);
        }
        sents.push(`${w.join(' ')}.`.replace(/^./, (c) => c.toUpperCase()));
      }
      paragraphs.push(sents.join(' '));
    }
    docs.push({ id: String(d), paragraphs, source: `generated:${d}` });
  }
  return docs;
}

export const dataSuite: BenchSuite = {
  name: 'data',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    if (ctx.backends.length > 0 && !ctx.backends.includes('cpu')) return [];
    const rows: BenchRow[] = [];
    const tok = fromBertTokenizer(await loadEmbeddedTokenizer());
    let paths: string[] | null = null;
    let note = 'embedded corpus (corpus/pretrain, blank-line documents)';
    try {
      paths = embeddedCorpusPaths();
      if (paths.length === 0) paths = null;
    } catch {
      paths = null;
    }
    if (!paths) note = 'embedded corpus absent: generated documents';
    const runs = ctx.quick ? 1 : 3;
    const L = 128;
    const buildMs: number[] = [];
    let stats = { documents: 0, sentences: 0, tokens: 0, sequences: 0 };
    let keepDir: string | null = null;
    for (let r = 0; r < runs; r++) {
      const out = mkdtempSync(join(tmpdir(), 'bigs-bench-shards-'));
      const docs = paths
        ? readCorpus(paths, { format: 'text', blankLineSeparatesDocuments: true })
        : generatedDocs(ctx.quick ? 200 : 2000);
      const t0 = performance.now();
      const m = await buildShards(docs, tok, {
        outDir: out,
        maxSeqLength: L,
        seed: 42,
        sequencesPerShard: 2048,
      });
      buildMs.push(performance.now() - t0);
      stats = m.stats;
      if (keepDir) rmSync(keepDir, { recursive: true, force: true });
      keepDir = out;
    }
    const bm = median(buildMs);
    ctx.log(`data: built ${stats.sequences} sequences from ${stats.tokens} tokens in ${bm.toFixed(0)} ms`);
    rows.push({
      suite: 'data',
      name: `build-shards L=${L}`,
      backend: 'js',
      pass: 'fwd',
      params: {
        documents: stats.documents,
        sentences: stats.sentences,
        tokens: stats.tokens,
        sequences: stats.sequences,
        tokensPerSec: Math.round(stats.tokens / (bm / 1000)),
      },
      medianMs: bm,
      runsMs: buildMs,
      note,
    });

    const set = ShardSet.open(keepDir as string);
    for (const wholeWord of [false, true]) {
      const B = 32;
      const batches = ctx.quick ? 20 : Math.max(50, Math.floor(set.numSequences / B));
      const ms: number[] = [];
      for (let r = 0; r < runs; r++) {
        const loader = new MlmBatchLoader(set, { batchSize: B, seed: 1, maskingOptions: { wholeWord } });
        loader.nextBatch(); // warm-up (first shard load)
        const t0 = performance.now();
        for (let i = 0; i < batches; i++) loader.nextBatch();
        ms.push(performance.now() - t0);
      }
      const m = median(ms);
      rows.push({
        suite: 'data',
        name: `read batches B=${B} L=${L} dynamic masking${wholeWord ? ' whole-word' : ''}`,
        backend: 'js',
        pass: 'fwd',
        params: {
          batches,
          sequencesPerSec: Math.round((batches * B) / (m / 1000)),
          tokenSlotsPerSec: Math.round((batches * B * L) / (m / 1000)),
        },
        medianMs: m,
        runsMs: ms,
        note,
      });
    }
    rmSync(keepDir as string, { recursive: true, force: true });
    return rows;
  },
};
