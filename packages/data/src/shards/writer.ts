import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedSequence } from '../pipeline/packing.js';
import type { VocabInfo } from '../pipeline/tokenizer.js';
import { writeShard } from './format.js';
import { encodeVocab, type ShardManifest, writeManifest } from './manifest.js';

/** Options for {@link ShardSetWriter}. */
export interface ShardSetWriterOptions {
  outDir: string;
  vocab: VocabInfo;
  maxSeqLength: number;
  twoSegments: boolean;
  /** Sequences per shard file (default 65,536: ≈ 16 MB at length 128 with uint16 ids). */
  sequencesPerShard?: number;
  /** Recorded in the manifest. */
  build?: Record<string, unknown>;
}

/**
 * Writes packed sequences into `shard-00000.bigs`, `shard-00001.bigs`, … (each atomically, when full) and
 * `manifest.json` last on {@link finish}. Memory: one shard's sequences.
 * @example
 * const w = new ShardSetWriter({ outDir, vocab, maxSeqLength: 128, twoSegments: false });
 * w.add(seq); w.finish({ documents: 1, sentences: 3, tokens: 40 });
 */
export class ShardSetWriter {
  private pending: PackedSequence[] = [];
  private readonly shards: ShardManifest['shards'] = [];
  private readonly perShard: number;
  private sequences = 0;

  constructor(private readonly opts: ShardSetWriterOptions) {
    this.perShard = opts.sequencesPerShard ?? 65536;
    if (!Number.isInteger(this.perShard) || this.perShard < 1) {
      throw new Error(`sequencesPerShard must be a positive integer, got ${opts.sequencesPerShard}`);
    }
    mkdirSync(opts.outDir, { recursive: true });
  }

  add(seq: PackedSequence): void {
    if (seq.ids.length > this.opts.maxSeqLength) {
      throw new Error(`sequence of ${seq.ids.length} tokens exceeds maxSeqLength ${this.opts.maxSeqLength}`);
    }
    this.pending.push(seq);
    this.sequences++;
    if (this.pending.length >= this.perShard) this.flush();
  }

  /** Shards written so far. */
  get shardCount(): number {
    return this.shards.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const file = `shard-${String(this.shards.length).padStart(5, '0')}.bigs`;
    writeShard(join(this.opts.outDir, file), this.pending);
    let numTokens = 0;
    for (const s of this.pending) numTokens += s.ids.length;
    this.shards.push({ file, numSequences: this.pending.length, numTokens });
    this.pending = [];
  }

  /** Flush the last shard and write the manifest. Returns the manifest. */
  finish(stats: { documents: number; sentences: number; tokens: number }): ShardManifest {
    this.flush();
    const m: ShardManifest = {
      format: 'bigs-shards',
      version: 1,
      maxSeqLength: this.opts.maxSeqLength,
      twoSegments: this.opts.twoSegments,
      shards: this.shards,
      vocab: encodeVocab(this.opts.vocab),
      stats: { ...stats, sequences: this.sequences },
      build: this.opts.build ?? {},
    };
    writeManifest(this.opts.outDir, m);
    return m;
  }
}
