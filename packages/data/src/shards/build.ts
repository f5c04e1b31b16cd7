import { SequencePacker } from '../pipeline/packing.js';
import { splitSentences } from '../pipeline/sentences.js';
import { type PipelineTokenizer, vocabInfoOf } from '../pipeline/tokenizer.js';
import type { CorpusDocument } from '../readers/types.js';
import type { ShardManifest } from './manifest.js';
import { ShardSetWriter } from './writer.js';

/** Options for {@link buildShards}. */
export interface BuildShardsOptions {
  outDir: string;
  maxSeqLength: number;
  seed: number;
  /** Default 0.1. */
  shortSeqProb?: number;
  /** Default false (single segment, as BiGS pretraining). */
  twoSegments?: boolean;
  /** Default 65,536. */
  sequencesPerShard?: number;
  /** Called every `progressEvery` documents (default 1000) with running counts. */
  onProgress?: (stats: BuildStats) => void;
  progressEvery?: number;
  /** Recorded in the manifest. */
  build?: Record<string, unknown>;
}

/** Counts of a build. */
export interface BuildStats {
  documents: number;
  sentences: number;
  /** Tokens of the sentences (no specials). */
  tokens: number;
  sequences: number;
  shards: number;
}

/**
 * Documents → sentences ({@link splitSentences}) → token ids → packed sequences ({@link SequencePacker}) →
 * shard files + manifest in `outDir`. Streaming: memory is one document plus one shard. Masking is not stored:
 * it is applied at batch time by {@link MlmBatchLoader}.
 * @example
 * const m = await buildShards(readCorpus(['wiki.xml']), tok, { outDir: 'shards', maxSeqLength: 128, seed: 42 });
 * m.stats.sequences; // number of sequences written
 */
export async function buildShards(
  documents: AsyncIterable<CorpusDocument> | Iterable<CorpusDocument>,
  tokenizer: PipelineTokenizer,
  opts: BuildShardsOptions,
): Promise<ShardManifest> {
  const packer = new SequencePacker(tokenizer, {
    maxSeqLength: opts.maxSeqLength,
    shortSeqProb: opts.shortSeqProb ?? 0.1,
    twoSegments: opts.twoSegments ?? false,
    seed: opts.seed,
  });
  const writer = new ShardSetWriter({
    outDir: opts.outDir,
    vocab: vocabInfoOf(tokenizer),
    maxSeqLength: opts.maxSeqLength,
    twoSegments: opts.twoSegments ?? false,
    sequencesPerShard: opts.sequencesPerShard ?? 65536,
    build: {
      seed: opts.seed,
      shortSeqProb: opts.shortSeqProb ?? 0.1,
      sentenceSplitter: 'bigs-rule-based-v1',
      ...(opts.build ?? {}),
    },
  });
  const stats: BuildStats = { documents: 0, sentences: 0, tokens: 0, sequences: 0, shards: 0 };
  const every = opts.progressEvery ?? 1000;
  for await (const doc of documents) {
    const sentences: ArrayLike<number>[] = [];
    for (const p of doc.paragraphs) {
      for (const s of splitSentences(p)) {
        const ids = tokenizer.tokenizeToIds(s);
        if (ids.length === 0) continue;
        sentences.push(ids);
        stats.tokens += ids.length;
      }
    }
    stats.sentences += sentences.length;
    for (const seq of packer.packDocument(stats.documents, sentences)) {
      writer.add(seq);
      stats.sequences++;
    }
    stats.documents++;
    stats.shards = writer.shardCount;
    if (opts.onProgress && stats.documents % every === 0) opts.onProgress({ ...stats });
  }
  const m = writer.finish(stats);
  stats.shards = m.shards.length;
  opts.onProgress?.({ ...stats });
  return m;
}
