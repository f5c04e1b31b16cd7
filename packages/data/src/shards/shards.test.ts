import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MlmBatch } from '../pipeline/batch.js';
import { Hdf5Shard } from '../pipeline/hdf5.js';
import { TinyTokenizer } from '../pipeline/tiny-tokenizer.fixture.js';
import { readCorpus } from '../readers/corpus.js';
import type { CorpusDocument } from '../readers/types.js';
import { buildShards } from './build.js';
import { ShardSet } from './dataset.js';
import { encodeShard, readShard, shardSequence, writeShard } from './format.js';
import { epochOrder, MlmBatchLoader } from './loader.js';
import { readManifest, writeManifest } from './manifest.js';

const FIX = join(import.meta.dirname, '../../test/fixtures');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'bigs-shards-'));

const WORDS =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(
    ' ',
  );
function syntheticDocs(n: number): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  for (let d = 0; d < n; d++) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 3; p++) {
      const sents: string[] = [];
      for (let s = 0; s < 4; s++) {
        const len = 3 + ((d * 7 + p * 3 + s * 5) % 9);
        const w = Array.from({ length: len }, (_, i) => WORDS[(d + p + s * 3 + i * 7) % WORDS.length]);
        sents.push(`${w.join(' ')}ing.`.replace(/^./, (c) => c.toUpperCase()));
      }
      paragraphs.push(sents.join(' '));
    }
    docs.push({ id: String(d), paragraphs, source: `synthetic:${d}` });
  }
  return docs;
}
const tok = TinyTokenizer.forText(WORDS.join(' '), ['##ing', '.']);

async function buildSet(
  opts: { docs?: number; perShard?: number; twoSegments?: boolean } = {},
): Promise<string> {
  const dir = tmp();
  await buildShards(syntheticDocs(opts.docs ?? 60), tok, {
    outDir: dir,
    maxSeqLength: 32,
    seed: 11,
    sequencesPerShard: opts.perShard ?? 7,
    twoSegments: opts.twoSegments ?? false,
  });
  return dir;
}

const take = (l: MlmBatchLoader, n: number): MlmBatch[] => {
  const out: MlmBatch[] = [];
  for (let i = 0; i < n; i++) {
    const b = l.nextBatch();
    if (!b) break;
    out.push(b);
  }
  return out;
};

describe('shard file format', () => {
  it('round-trips sequences (uint16 and int32 ids)', () => {
    const dir = tmp();
    const seqs = [
      { ids: Int32Array.of(2, 10, 11, 3), segmentALength: 0 },
      { ids: Int32Array.of(2, 12, 3, 13, 3), segmentALength: 3 },
    ];
    writeShard(join(dir, 'a.bigs'), seqs);
    const s = readShard(join(dir, 'a.bigs'));
    expect(s.header.tokenDtype).toBe('uint16');
    expect([...shardSequence(s, 1).ids]).toEqual([2, 12, 3, 13, 3]);
    expect(shardSequence(s, 1).segmentALength).toBe(3);
    expect(s.header.tokensOffset % 8).toBe(0);
    writeShard(join(dir, 'b.bigs'), [{ ids: Int32Array.of(2, 70000, 3), segmentALength: 0 }]);
    const b = readShard(join(dir, 'b.bigs'));
    expect(b.header.tokenDtype).toBe('int32');
    expect([...shardSequence(b, 0).ids]).toEqual([2, 70000, 3]);
  });
  it('a truncated shard is a clear error', () => {
    const dir = tmp();
    const f = join(dir, 's.bigs');
    writeShard(f, [{ ids: Int32Array.of(2, 10, 11, 3), segmentALength: 0 }]);
    const bytes = readFileSync(f);
    writeFileSync(f, bytes.subarray(0, bytes.length - 5));
    expect(() => readShard(f)).toThrow(/s\.bigs: truncated or damaged shard: \d+ bytes, header says \d+/);
    writeFileSync(f, 'hello world, not a shard');
    expect(() => readShard(f)).toThrow(/not a bigs shard/);
  });
  it('rejects negative token ids', () => {
    expect(() => encodeShard([{ ids: [1, -5], segmentALength: 0 }])).toThrow(/non-negative integer/);
  });
});

describe('buildShards + ShardSet', () => {
  it('writes shards and a manifest; stats add up; sequences respect maxSeqLength', async () => {
    const dir = await buildSet();
    const set = ShardSet.open(dir);
    const m = set.manifest;
    expect(m.stats.documents).toBe(60);
    expect(m.stats.sentences).toBe(60 * 12);
    expect(m.shards.length).toBe(Math.ceil(m.stats.sequences / 7));
    expect(set.numSequences).toBe(m.stats.sequences);
    let tokens = 0;
    for (let s = 0; s < set.numShards; s++) {
      for (let i = 0; i < set.shardSize(s); i++) {
        const { ids } = set.sequence(s, i);
        expect(ids.length).toBeLessThanOrEqual(32);
        expect(ids[0]).toBe(tok.clsId);
        tokens += ids.length - 2;
      }
    }
    expect(tokens).toBeLessThanOrEqual(m.stats.tokens);
    expect(set.vocab.continuation[tok.id('##ing')]).toBe(1);
    expect(set.vocab.continuation[tok.id('alpha')]).toBe(0);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });
  it('builds from real-format corpus files', async () => {
    const docs = readCorpus([join(FIX, 'wikiextractor/wiki_00'), join(FIX, 'books')]);
    const t = TinyTokenizer.forText(
      readFileSync(join(FIX, 'wikiextractor/wiki_00'), 'utf8') +
        readFileSync(join(FIX, 'books/book-a.txt'), 'utf8'),
    );
    const dir = tmp();
    const m = await buildShards(docs, t, { outDir: dir, maxSeqLength: 24, seed: 1 });
    expect(m.stats.documents).toBe(4);
    expect(m.stats.sequences).toBeGreaterThanOrEqual(4);
  });
  it('a directory without manifest is a clear error', () => {
    expect(() => ShardSet.open(tmp())).toThrow(/manifest\.json: missing/);
  });
  it('a manifest of the wrong shape names the file and the field', async () => {
    const dir = await buildSet({});
    const m = readManifest(dir);
    writeManifest(dir, { ...m, vocab: { ...m.vocab, maskId: -1 } });
    expect(() => readManifest(dir)).toThrow(
      /manifest\.json: not a bigs-shards v1 manifest: vocab\.maskId must be an integer >= 0/,
    );
    writeFileSync(join(dir, 'manifest.json'), '{"format": "bigs-shards", "version": 2}');
    expect(() => ShardSet.open(dir)).toThrow(/not a bigs-shards v1 manifest: version must be 1/);
  });
});

describe('MlmBatchLoader', () => {
  it('batches have the documented layout', async () => {
    const set = ShardSet.open(await buildSet({ twoSegments: true }));
    const l = new MlmBatchLoader(set, { batchSize: 4, seed: 1 });
    const b = l.nextBatch()!;
    expect(b.inputIds).toHaveLength(4 * 32);
    expect(b.labels).toHaveLength(4 * 32);
    expect(b.maskedPositions).toHaveLength(4 * b.maxPredictions);
    expect(b.maxPredictions).toBe(5); // round(32 * 0.15)
    for (let r = 0; r < 4; r++) {
      const n = b.attentionMask.subarray(r * 32, (r + 1) * 32).reduce((a, x) => a + x, 0);
      const predicted = [...b.labels.subarray(r * 32, (r + 1) * 32)].filter((x) => x !== -100).length;
      expect(predicted).toBe(b.numPredictions[r]);
      expect(predicted).toBeGreaterThan(0);
      for (let i = n; i < 32; i++) {
        expect(b.inputIds[r * 32 + i]).toBe(tok.padId);
        expect(b.labels[r * 32 + i]).toBe(-100);
      }
    }
    expect(b.tokenTypeIds.some((x) => x === 1)).toBe(true);
  });
  it('shuffling by seed is a permutation of all sequences; epochs differ', async () => {
    const set = ShardSet.open(await buildSet());
    const e0 = epochOrder(set, { seed: 5, epoch: 0 });
    const e1 = epochOrder(set, { seed: 5, epoch: 1 });
    const key = (x: [number, number]) => `${x[0]}:${x[1]}`;
    expect(e0).toHaveLength(set.numSequences);
    expect(new Set(e0.map(key)).size).toBe(set.numSequences);
    expect(new Set(e1.map(key))).toEqual(new Set(e0.map(key)));
    expect(e1).not.toEqual(e0);
    expect(epochOrder(set, { seed: 5, epoch: 0 })).toEqual(e0);
    expect(epochOrder(set, { seed: 6, epoch: 0 })).not.toEqual(e0);
    const plain = epochOrder(set, { seed: 5, epoch: 0, shuffle: false });
    expect(plain[0]).toEqual([0, 0]);
    expect(plain[1]).toEqual([0, 1]);
  });
  it('workers see disjoint subsets that together are complete', async () => {
    const set = ShardSet.open(await buildSet());
    const key = (x: [number, number]) => `${x[0]}:${x[1]}`;
    const parts = [0, 1, 2].map((w) =>
      epochOrder(set, { seed: 5, epoch: 0, workerIndex: w, numWorkers: 3 }).map(key),
    );
    const union = new Set(parts.flat());
    expect(union.size).toBe(set.numSequences);
    expect(parts.reduce((a, p) => a + p.length, 0)).toBe(set.numSequences);
    for (const p of parts)
      expect(Math.abs(p.length - set.numSequences / 3)).toBeLessThanOrEqual(set.numShards);
  });
  it('restoring a saved cursor gives exactly the same subsequent batches (across epochs)', async () => {
    const set = ShardSet.open(await buildSet());
    const opts = { batchSize: 5, seed: 3, maskingOptions: { wholeWord: true } };
    const a = new MlmBatchLoader(set, opts);
    take(a, 7);
    const saved = JSON.parse(JSON.stringify(a.cursor));
    const rest = take(a, 30); // crosses an epoch boundary
    const b = new MlmBatchLoader(ShardSet.open(set.dir), { ...opts, cursor: saved });
    expect(take(b, 30)).toEqual(rest);
    const fresh = take(new MlmBatchLoader(set, opts), 37).slice(7);
    expect(fresh).toEqual(rest);
  });
  it('dynamic masking changes across epochs, static does not; maxEpochs ends the stream', async () => {
    const set = ShardSet.open(await buildSet({ docs: 10 }));
    const n = set.numSequences;
    const run = (masking: 'dynamic' | 'static') => {
      const l = new MlmBatchLoader(set, { batchSize: n, seed: 2, shuffle: false, masking, maxEpochs: 2 });
      const bs = take(l, 5);
      expect(bs).toHaveLength(2);
      return bs;
    };
    const [d0, d1] = run('dynamic');
    expect(d0!.inputIds).not.toEqual(d1!.inputIds);
    const [s0, s1] = run('static');
    expect(s0!.inputIds).toEqual(s1!.inputIds);
    const l = new MlmBatchLoader(set, { batchSize: n - 1, seed: 2, maxEpochs: 1 });
    expect(l.nextBatch()!.batchSize).toBe(n - 1);
    expect(l.nextBatch()!.batchSize).toBe(1);
    expect(l.nextBatch()).toBeNull();
  });
});

describe('academic-budget-bert HDF5 shards', () => {
  it('reads input_ids/input_mask/segment_ids/masked_lm_* into the label layout', async () => {
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const dir = tmp();
    const f = join(dir, 'train_shard_0.hdf5');
    const N = 3;
    const L = 8;
    const P = 3;
    const ids = new Int32Array(N * L);
    const mask = new Int32Array(N * L);
    for (let r = 0; r < N; r++) {
      const n = 5 + r;
      for (let i = 0; i < n; i++) {
        ids[r * L + i] = i === 0 ? 101 : i === n - 1 ? 102 : i === 2 ? 103 : 2000 + i;
        mask[r * L + i] = 1;
      }
    }
    const pos = Int32Array.from([2, 0, 0, 2, 3, 0, 2, 4, 5]);
    const lmIds = Int32Array.from([7, 0, 0, 8, 9, 0, 10, 11, 12]);
    const file = new h5.File(f, 'w');
    file.create_dataset({ name: 'input_ids', data: ids, shape: [N, L], dtype: '<i4' });
    file.create_dataset({ name: 'input_mask', data: mask, shape: [N, L], dtype: '<i4' });
    file.create_dataset({ name: 'segment_ids', data: new Int32Array(N * L), shape: [N, L], dtype: '<i4' });
    file.create_dataset({ name: 'masked_lm_positions', data: pos, shape: [N, P], dtype: '<i4' });
    file.create_dataset({ name: 'masked_lm_ids', data: lmIds, shape: [N, P], dtype: '<i4' });
    file.create_dataset({ name: 'next_sentence_labels', data: new Int32Array(N), shape: [N], dtype: '<i4' });
    file.close();

    const shard = await Hdf5Shard.open(f);
    expect([shard.numSequences, shard.seqLength, shard.maxPredictions]).toEqual([3, 8, 3]);
    const batches = [...shard.batches(2, { ignoreIndex: -1 })];
    expect(batches.map((b) => b.batchSize)).toEqual([2, 1]);
    const b = batches[0]!;
    expect([...b.inputIds.subarray(0, 8)]).toEqual([101, 2001, 103, 2003, 102, 0, 0, 0]);
    expect([...b.labels.subarray(0, 8)]).toEqual([-1, -1, 7, -1, -1, -1, -1, -1]);
    expect([...b.labels.subarray(8, 16)]).toEqual([-1, -1, 8, 9, -1, -1, -1, -1]);
    expect([...b.numPredictions]).toEqual([1, 2]);
    expect([...b.maskedPositions]).toEqual([2, 0, 0, 2, 3, 0]);
    expect([...batches[1]!.labels.subarray(0, 8)]).toEqual([-1, -1, 10, -1, 11, 12, -1, -1]);
    shard.close();

    const bad = new h5.File(join(dir, 'bad.hdf5'), 'w');
    bad.create_dataset({ name: 'input_ids', data: ids, shape: [N, L], dtype: '<i4' });
    bad.close();
    await expect(Hdf5Shard.open(join(dir, 'bad.hdf5'))).rejects.toThrow(
      /bad\.hdf5: HDF5 dataset "input_mask" missing/,
    );
  });
});
