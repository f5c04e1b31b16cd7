import { join } from 'node:path';
import type { VocabInfo } from '../pipeline/tokenizer.js';
import { readShard, type ShardData } from './format.js';
import { decodeVocab, readManifest, type ShardManifest } from './manifest.js';

/**
 * A directory of shards written by {@link buildShards} / {@link ShardSetWriter}. Shards are loaded on demand
 * (one read per shard) and at most `cacheShards` (default 2) are kept in memory.
 * @example
 * const set = ShardSet.open('shards/'); set.numSequences; set.sequence(0, 5).ids; // Uint16Array [≤ L]
 */
export class ShardSet {
  readonly vocab: VocabInfo;
  private cache = new Map<number, ShardData>();

  private constructor(
    readonly dir: string,
    readonly manifest: ShardManifest,
    private readonly cacheShards: number,
  ) {
    this.vocab = decodeVocab(manifest.vocab);
  }

  static open(dir: string, opts: { cacheShards?: number } = {}): ShardSet {
    const m = readManifest(dir);
    if (m.shards.length === 0) throw new Error(`${join(dir, 'manifest.json')}: shard set has no shards`);
    return new ShardSet(dir, m, Math.max(1, opts.cacheShards ?? 2));
  }

  get numShards(): number {
    return this.manifest.shards.length;
  }

  get numSequences(): number {
    return this.manifest.shards.reduce((a, s) => a + s.numSequences, 0);
  }

  get maxSeqLength(): number {
    return this.manifest.maxSeqLength;
  }

  /** Sequences in shard `s`. */
  shardSize(s: number): number {
    const e = this.manifest.shards[s];
    if (!e) throw new Error(`shard index ${s} out of range [0, ${this.numShards})`);
    return e.numSequences;
  }

  /** Load shard `s` (cached), checking it against the manifest. */
  shard(s: number): ShardData {
    const hit = this.cache.get(s);
    if (hit) {
      this.cache.delete(s);
      this.cache.set(s, hit);
      return hit;
    }
    const e = this.manifest.shards[s];
    if (!e) throw new Error(`shard index ${s} out of range [0, ${this.numShards})`);
    const path = join(this.dir, e.file);
    const data = readShard(path);
    if (data.header.numSequences !== e.numSequences || data.header.numTokens !== e.numTokens) {
      throw new Error(
        `${path}: holds ${data.header.numSequences} sequences / ${data.header.numTokens} tokens, manifest says ${e.numSequences} / ${e.numTokens}`,
      );
    }
    this.cache.set(s, data);
    while (this.cache.size > this.cacheShards) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    return data;
  }

  /** Sequence `i` of shard `s`. */
  sequence(s: number, i: number): { ids: Uint16Array | Int32Array; segmentALength: number } {
    const d = this.shard(s);
    if (i < 0 || i >= d.header.numSequences)
      throw new Error(`sequence ${i} out of range [0, ${d.header.numSequences}) in shard ${s}`);
    return {
      ids: d.tokens.subarray(d.offsets[i] as number, d.offsets[i + 1] as number),
      segmentALength: d.segmentA[i] as number,
    };
  }
}
