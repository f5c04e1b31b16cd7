import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { permutation } from '@bigs/common';
import {
  type BertTokenizer,
  embeddedCorpusPaths,
  expandPaths,
  fromBertTokenizer,
  Hdf5Shard,
  type LoaderCursor,
  MANIFEST_FILE,
  type MaskingOptions,
  type MlmBatch,
  MlmBatchLoader,
  type PackedSequence,
  type PipelineTokenizer,
  readCorpus,
  readManifest,
  SequencePacker,
  ShardSet,
  ShardSetWriter,
  splitSentences,
  TextDecodeError,
  type VocabInfo,
  vocabInfoOf,
} from '@bigs/data';
import type { Batch, BatchSource } from '@bigs/trainer';

/** A training micro-batch: the `@bigs/data` batch plus the per-slot targets of its masked positions. */
export interface PretrainBatch extends Batch {
  data: MlmBatch;
  /** `[B·P]` target id per masked-position slot, −100 in padding slots (ignored by the loss). */
  maskedLabels: Int32Array;
}

/** What {@link prepareData} needs. */
export interface DataOptions {
  /** Paths given with `--train-files` (undefined: the embedded corpus). */
  trainFiles?: string[];
  /** Names of embedded texts (`--corpus`; undefined: the default pair), used when `trainFiles` is undefined. */
  corpus?: string[];
  validationFiles?: string[];
  validationSplitPercentage: number;
  seqLength: number;
  seed: number;
  /** Text inputs: strict UTF-8 (`error`, default) or invalid bytes as U+FFFD (`replace`, --allow-invalid-utf8). */
  invalidUtf8?: 'error' | 'replace';
  /** Where tokenized shards are written / cached (`<output-dir>/data`). */
  dataDir: string;
  tokenizer: BertTokenizer;
  masking: MaskingOptions;
  batchSize: number;
  evalBatchSize: number;
  maxEvalSamples?: number;
  log: (line: string) => void;
}

/** Training and evaluation data, ready for the trainer. */
export interface PreparedData {
  train: BatchSource<PretrainBatch>;
  /** A fresh pass over the held-out batches (deterministic masks), or null without held-out data. */
  evalBatches: (() => Iterable<MlmBatch>) | null;
  numTrainSequences: number;
  numEvalSequences: number;
  /** Mean predicted fraction of positions (for the MFU head term). */
  predictedFraction: number;
  /** One line for the log. */
  description: string;
  close(): void;
}

/** Per-slot targets of a batch's masked positions (−100 in unused slots). */
export function maskedLabelsOf(b: MlmBatch): Int32Array {
  const P = b.maxPredictions;
  const L = b.seqLength;
  const out = new Int32Array(b.batchSize * P).fill(-100); // [B·P]
  for (let r = 0; r < b.batchSize; r++) {
    const n = b.numPredictions[r] as number;
    for (let j = 0; j < n; j++)
      out[r * P + j] = b.labels[r * L + (b.maskedPositions[r * P + j] as number)] as number;
  }
  return out;
}

function toPretrainBatch(b: MlmBatch): PretrainBatch {
  return { data: b, maskedLabels: maskedLabelsOf(b), numTokens: b.batchSize * b.seqLength };
}

/** A {@link BatchSource} over a shard set (infinite epochs; the cursor is the loader's). */
export class ShardBatchSource implements BatchSource<PretrainBatch> {
  constructor(
    readonly loader: MlmBatchLoader,
    private readonly numSequences: number,
  ) {}

  async next(): Promise<PretrainBatch | null> {
    const b = this.loader.nextBatch();
    return b ? toPretrainBatch(b) : null;
  }
  getCursor(): unknown {
    return { kind: 'shards', ...this.loader.cursor };
  }
  setCursor(cursor: unknown): void {
    const c = cursor as LoaderCursor & { kind?: string };
    if (c?.kind !== 'shards')
      throw new Error(`data cursor ${JSON.stringify(cursor)} is not a shard-set cursor`);
    this.loader.restore({ epoch: c.epoch, shard: c.shard, index: c.index });
  }
  numBatches(): number {
    return Math.ceil(this.numSequences / this.loader.batchSize);
  }
}

/** Concatenate batches of equal L and P row-wise. */
export function concatBatches(parts: MlmBatch[]): MlmBatch {
  const first = parts[0];
  if (!first) throw new Error('concatBatches: no batches');
  if (parts.length === 1) return first;
  const cat = (
    k: 'inputIds' | 'attentionMask' | 'tokenTypeIds' | 'labels' | 'maskedPositions' | 'numPredictions',
  ) => {
    const out = new Int32Array(parts.reduce((a, p) => a + p[k].length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p[k], o);
      o += p[k].length;
    }
    return out;
  };
  return {
    batchSize: parts.reduce((a, p) => a + p.batchSize, 0),
    seqLength: first.seqLength,
    maxPredictions: first.maxPredictions,
    inputIds: cat('inputIds'),
    attentionMask: cat('attentionMask'),
    tokenTypeIds: cat('tokenTypeIds'),
    labels: cat('labels'),
    maskedPositions: cat('maskedPositions'),
    numPredictions: cat('numPredictions'),
  };
}

/** One HDF5 shard and the row range of it that a source reads. */
interface Hdf5Range {
  shard: Hdf5Shard;
  start: number;
  end: number;
}

/**
 * academic-budget-bert HDF5 shards (masking pre-computed, as the official BiGS pretraining read them). File order
 * is `permutation(numFiles, seed, epoch)` per epoch, rows in file order; batches run across files. Cursor:
 * `{ kind: 'hdf5', epoch, file, row }` (file = position in the epoch's order).
 */
export class Hdf5BatchSource implements BatchSource<PretrainBatch> {
  private pos = { epoch: 0, file: 0, row: 0 };

  constructor(
    private readonly ranges: Hdf5Range[],
    private readonly batchSize: number,
    private readonly seed: number,
    private readonly shuffle = true,
  ) {}

  private fileAt(epoch: number, k: number): Hdf5Range {
    const order = this.shuffle ? permutation(this.ranges.length, this.seed, epoch) : null;
    return this.ranges[order ? (order[k] as number) : k] as Hdf5Range;
  }

  /** Next batch; with `oneEpoch`, null at the end of the current epoch. */
  nextBatch(oneEpoch = false): MlmBatch | null {
    const parts: MlmBatch[] = [];
    let rows = 0;
    while (rows < this.batchSize) {
      if (this.pos.file >= this.ranges.length) {
        if (oneEpoch) break;
        this.pos = { epoch: this.pos.epoch + 1, file: 0, row: 0 };
      }
      const r = this.fileAt(this.pos.epoch, this.pos.file);
      const at = r.start + this.pos.row;
      if (at >= r.end) {
        this.pos = { ...this.pos, file: this.pos.file + 1, row: 0 };
        continue;
      }
      const take = Math.min(this.batchSize - rows, r.end - at);
      parts.push(r.shard.batch(at, take));
      rows += take;
      this.pos = { ...this.pos, row: this.pos.row + take };
    }
    return parts.length ? concatBatches(parts) : null;
  }

  async next(): Promise<PretrainBatch | null> {
    const b = this.nextBatch();
    return b ? toPretrainBatch(b) : null;
  }
  getCursor(): unknown {
    return { kind: 'hdf5', ...this.pos };
  }
  setCursor(cursor: unknown): void {
    const c = cursor as { kind?: string; epoch: number; file: number; row: number };
    if (c?.kind !== 'hdf5') throw new Error(`data cursor ${JSON.stringify(cursor)} is not an HDF5 cursor`);
    this.pos = { epoch: c.epoch, file: c.file, row: c.row };
  }
  numBatches(): number {
    return Math.ceil(this.ranges.reduce((a, r) => a + r.end - r.start, 0) / this.batchSize);
  }
}

const isHdf5 = (p: string) => /\.(hdf5|h5)$/i.test(p);
const isShardDir = (p: string) => existsSync(join(p, MANIFEST_FILE));

/** The held-out sequences of a split: sequence i goes to validation when ⌊(i+1)·p⌋ > ⌊i·p⌋ (evenly spaced). */
export function isValidationIndex(i: number, percentage: number): boolean {
  const p = percentage / 100;
  return Math.floor((i + 1) * p) > Math.floor(i * p);
}

async function* corpusSequences(
  paths: string[],
  tok: PipelineTokenizer,
  seqLength: number,
  seed: number,
  embedded: boolean,
  stats: { documents: number; sentences: number; tokens: number },
  invalidUtf8: 'error' | 'replace',
): AsyncGenerator<PackedSequence> {
  const packer = new SequencePacker(tok, { maxSeqLength: seqLength, seed });
  for await (const doc of readCorpus(paths, { blankLineSeparatesDocuments: embedded, invalidUtf8 })) {
    const sentences: ArrayLike<number>[] = [];
    for (const p of doc.paragraphs) {
      for (const s of splitSentences(p)) {
        const ids = tok.tokenizeToIds(s);
        if (ids.length === 0) continue;
        sentences.push(ids);
        stats.tokens += ids.length;
      }
    }
    stats.sentences += sentences.length;
    yield* packer.packDocument(stats.documents, sentences);
    stats.documents++;
  }
}

function* shardSequences(set: ShardSet): Generator<PackedSequence> {
  for (let s = 0; s < set.numShards; s++) {
    for (let i = 0; i < set.shardSize(s); i++) {
      const { ids, segmentALength } = set.sequence(s, i);
      yield { ids: Int32Array.from(ids), segmentALength };
    }
  }
}

function fileFingerprint(paths: string[]): unknown[] {
  return expandPaths(paths).map((p) => {
    const st = statSync(p);
    return [resolve(p), st.size, Math.round(st.mtimeMs)];
  });
}

function vocabHash(tok: BertTokenizer): string {
  const h = createHash('sha256');
  for (let i = 0; i < tok.vocabSize; i++) h.update(`${tok.convertIdsToTokens([i])[0]}\n`);
  return h.digest('hex').slice(0, 16);
}

/** A cached shard set is reused when its manifest's `build.cacheKey` matches. */
function cached(dir: string, key: string): boolean {
  if (!isShardDir(dir)) return false;
  try {
    return readManifest(dir).build.cacheKey === key;
  } catch {
    return false;
  }
}

/**
 * Tokenize and pack `sequences` into shard sets: all into `trainDir`, or split between `trainDir` and `valDir`
 * (every held-out index by {@link isValidationIndex}) when `percentage > 0`.
 */
async function writeShards(
  sequences: AsyncIterable<PackedSequence> | Iterable<PackedSequence>,
  vocab: VocabInfo,
  seqLength: number,
  dirs: { train: string; validation: string | null; percentage: number },
  key: string,
  stats: { documents: number; sentences: number; tokens: number },
  what: string,
): Promise<void> {
  for (const d of [dirs.train, dirs.validation]) if (d) rmSync(d, { recursive: true, force: true });
  const opts = (outDir: string) => ({
    outDir,
    vocab,
    maxSeqLength: seqLength,
    twoSegments: false,
    build: { cacheKey: key },
  });
  const train = new ShardSetWriter(opts(dirs.train));
  const val = dirs.validation ? new ShardSetWriter(opts(dirs.validation)) : null;
  let i = 0;
  try {
    for await (const seq of sequences) {
      if (val && isValidationIndex(i, dirs.percentage)) val.add(seq);
      else train.add(seq);
      i++;
    }
  } catch (e) {
    // A file that is not UTF-8 text (binary, Latin-1, …): the reader names file:line; say which flag gave it.
    if (e instanceof TextDecodeError) {
      const hint =
        e.kind === 'invalid-utf8' ? '; or pass --allow-invalid-utf8 to read such bytes as U+FFFD' : '';
      throw new Error(`${what}: ${e.message}${hint}`);
    }
    throw e;
  }
  if (i === 0) {
    throw new Error(
      `${what}: no text to train on (${stats.documents} document(s), ${stats.sentences} sentence(s), ` +
        `${stats.tokens} token(s)); give UTF-8 text files with one sentence or paragraph per line`,
    );
  }
  // The validation manifest is written first: the train manifest (checked by the cache) marks a complete build.
  val?.finish(stats);
  train.finish(stats);
}

/** What building the shard sets of a run needs besides its options. */
interface ShardContext {
  pipeTok: ReturnType<typeof fromBertTokenizer>;
  vocab: ReturnType<typeof vocabInfoOf>;
  /** The training inputs are the embedded corpus. */
  embedded: boolean;
  invalidUtf8: 'error' | 'replace';
}

/** The training inputs: `--train-files`, else the embedded texts of `--corpus`; every path must exist. */
function trainPathsOf(o: DataOptions): string[] {
  if (o.trainFiles && o.corpus) throw new Error('--corpus and --train-files exclude each other; give one');
  let trainPaths: string[];
  try {
    trainPaths = o.trainFiles ?? embeddedCorpusPaths(o.corpus);
  } catch (e) {
    throw new Error(`--corpus: ${(e as Error).message}`);
  }
  for (const p of [...trainPaths, ...(o.validationFiles ?? [])]) {
    if (!existsSync(p)) throw new Error(`--train-files/--validation-files: ${p} does not exist`);
  }
  return trainPaths;
}

/** The cache key of a tokenized shard set: inputs, tokenizer, length, seed, split and UTF-8 handling. */
function cacheKey(o: DataOptions, paths: string[], split: number, invalidUtf8: 'error' | 'replace'): string {
  return JSON.stringify({
    v: 1,
    files: fileFingerprint(paths),
    vocab: vocabHash(o.tokenizer),
    L: o.seqLength,
    seed: o.seed,
    split,
    ...(invalidUtf8 === 'replace' ? { utf8: 'replace' } : {}),
  });
}

/** A prebuilt shard set must match the tokenizer and fit `--max-seq-length`. */
function checkShardSet(set: ShardSet, what: string, vocabSize: number, L: number): void {
  if (set.vocab.vocabSize !== vocabSize) {
    throw new Error(
      `${what}: shards were built with a ${set.vocab.vocabSize}-token vocabulary, the tokenizer has ${vocabSize} (pass the matching --tokenizer)`,
    );
  }
  if (set.maxSeqLength > L) {
    throw new Error(
      `${what}: shards hold sequences of up to ${set.maxSeqLength} tokens, longer than --max-seq-length ${L}`,
    );
  }
}

/** Shard set for a list of inputs: a prebuilt dir as is (unless it must be split), else tokenized (cached). */
async function shardSetFor(
  o: DataOptions,
  c: ShardContext,
  paths: string[],
  name: 'train' | 'validation',
  split: number,
): Promise<ShardSet> {
  const L = o.seqLength;
  const only = paths.length === 1 ? (paths[0] as string) : null;
  if (only && isShardDir(only) && split === 0) {
    const set = ShardSet.open(only);
    checkShardSet(set, `--${name}-files ${only}`, c.vocab.vocabSize, L);
    return set;
  }
  const dir = join(o.dataDir, name);
  const valDir = split > 0 ? join(o.dataDir, 'validation') : null;
  const k = cacheKey(o, paths, split, c.invalidUtf8);
  if (cached(dir, k) && (!valDir || cached(valDir, k))) {
    o.log(`reusing tokenized data in ${o.dataDir}`);
    return ShardSet.open(dir);
  }
  const t0 = Date.now();
  const st = { documents: 0, sentences: 0, tokens: 0 };
  const embeddedTrain = c.embedded && name === 'train';
  let seqs: AsyncIterable<PackedSequence> | Iterable<PackedSequence>;
  if (only && isShardDir(only)) {
    const src = ShardSet.open(only);
    checkShardSet(src, `--${name}-files ${only}`, c.vocab.vocabSize, L);
    seqs = shardSequences(src);
  } else {
    if (paths.some(isShardDir)) throw new Error(`--${name}-files: give a prebuilt shard dir alone`);
    seqs = corpusSequences(paths, c.pipeTok, L, o.seed, embeddedTrain, st, c.invalidUtf8);
  }
  o.log(`tokenizing ${embeddedTrain ? 'the embedded corpus' : paths.join(' ')} into ${o.dataDir} ...`);
  const what = embeddedTrain ? 'the embedded corpus' : `--${name}-files ${paths.join(' ')}`;
  await writeShards(seqs, c.vocab, L, { train: dir, validation: valDir, percentage: split }, k, st, what);
  o.log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ShardSet.open(dir);
}

/** The held-out batches: static masks, in order, at most `evalCount` sequences. */
function evalBatchesOf(valSet: ShardSet, o: DataOptions, evalCount: number): () => Generator<MlmBatch> {
  return function* () {
    const ev = new MlmBatchLoader(valSet, {
      batchSize: o.evalBatchSize,
      seed: o.seed,
      shuffle: false,
      masking: 'static',
      maxEpochs: 1,
      maskingOptions: o.masking,
      seqLength: o.seqLength,
    });
    let left = evalCount;
    for (let b = ev.nextBatch(); b && left > 0; b = ev.nextBatch()) {
      if (b.batchSize > left) b = sliceRows(b, left);
      left -= b.batchSize;
      yield b;
    }
  };
}

/** Build (or reuse) shard sets for corpus inputs; open prebuilt ones; open HDF5 shards. */
export async function prepareData(o: DataOptions): Promise<PreparedData> {
  const pipeTok = fromBertTokenizer(o.tokenizer);
  const L = o.seqLength;
  const trainPaths = trainPathsOf(o);
  const pct = o.validationFiles ? 0 : o.validationSplitPercentage;
  // --- academic-budget-bert HDF5 shards
  if (trainPaths.every(isHdf5)) return prepareHdf5(o, trainPaths, pct);
  if (trainPaths.some(isHdf5)) {
    throw new Error('--train-files: mix of HDF5 shards and other inputs; give HDF5 shards alone');
  }
  const c: ShardContext = {
    pipeTok,
    vocab: vocabInfoOf(pipeTok),
    embedded: o.trainFiles === undefined,
    invalidUtf8: o.invalidUtf8 ?? 'error',
  };
  const trainSet = await shardSetFor(o, c, trainPaths, 'train', pct);
  let valSet: ShardSet | null = null;
  if (o.validationFiles) valSet = await shardSetFor(o, c, o.validationFiles, 'validation', 0);
  else if (pct > 0) {
    const dir = join(o.dataDir, 'validation');
    valSet = isShardDir(dir) && ShardSet.open(dir).numSequences > 0 ? ShardSet.open(dir) : null;
  }
  const loader = new MlmBatchLoader(trainSet, {
    batchSize: o.batchSize,
    seed: o.seed,
    maskingOptions: o.masking,
    seqLength: L,
  });
  const evalCount = valSet ? Math.min(valSet.numSequences, o.maxEvalSamples ?? Number.POSITIVE_INFINITY) : 0;
  const m = loader.masking;
  return {
    train: new ShardBatchSource(loader, trainSet.numSequences),
    evalBatches: valSet ? evalBatchesOf(valSet, o, evalCount) : null,
    numTrainSequences: trainSet.numSequences,
    numEvalSequences: evalCount,
    predictedFraction: Math.min(m.maxPredictions, Math.round(L * m.maskProb)) / L,
    description: `${trainSet.numSequences} training sequences${valSet ? `, ${evalCount} held-out` : ', no held-out data'} (L=${L})`,
    close() {},
  };
}

function sliceRows(b: MlmBatch, rows: number): MlmBatch {
  const L = b.seqLength;
  const P = b.maxPredictions;
  return {
    ...b,
    batchSize: rows,
    inputIds: b.inputIds.slice(0, rows * L),
    attentionMask: b.attentionMask.slice(0, rows * L),
    tokenTypeIds: b.tokenTypeIds.slice(0, rows * L),
    labels: b.labels.slice(0, rows * L),
    maskedPositions: b.maskedPositions.slice(0, rows * P),
    numPredictions: b.numPredictions.slice(0, rows),
  };
}

async function prepareHdf5(o: DataOptions, trainPaths: string[], pct: number): Promise<PreparedData> {
  const open = async (paths: string[]) => {
    const files = [...paths].sort();
    const shards = await Promise.all(files.map((p) => Hdf5Shard.open(p)));
    for (const s of shards) {
      if (s.seqLength !== o.seqLength) {
        throw new Error(
          `--max-seq-length ${o.seqLength} differs from the HDF5 shard ${s.path} (L = ${s.seqLength})`,
        );
      }
      if (s.maxPredictions !== shards[0]!.maxPredictions) {
        throw new Error(
          `${s.path}: ${s.maxPredictions} masked positions per row, ${shards[0]!.path} has ${shards[0]!.maxPredictions}`,
        );
      }
    }
    return shards;
  };
  const train = await open(trainPaths);
  const ranges: Hdf5Range[] = train.map((shard) => ({ shard, start: 0, end: shard.numSequences }));
  let evalRanges: Hdf5Range[] = [];
  if (o.validationFiles) {
    if (!o.validationFiles.every(isHdf5))
      throw new Error('--validation-files: HDF5 training needs HDF5 validation shards');
    evalRanges = (await open(o.validationFiles)).map((shard) => ({
      shard,
      start: 0,
      end: shard.numSequences,
    }));
  } else if (pct > 0) {
    // Hold out the tail of the last file (sorted order): pct % of all rows.
    const total = ranges.reduce((a, r) => a + r.end, 0);
    const last = ranges[ranges.length - 1]!;
    const n = Math.min(last.end - 1, Math.max(1, Math.round((total * pct) / 100)));
    evalRanges = [{ shard: last.shard, start: last.end - n, end: last.end }];
    last.end -= n;
  }
  const source = new Hdf5BatchSource(ranges, o.batchSize, o.seed);
  const evalTotal = evalRanges.reduce((a, r) => a + r.end - r.start, 0);
  const evalCount = Math.min(evalTotal, o.maxEvalSamples ?? Number.POSITIVE_INFINITY);
  const first = train[0]!;
  return {
    train: source,
    evalBatches: evalRanges.length
      ? function* () {
          const ev = new Hdf5BatchSource(evalRanges, o.evalBatchSize, o.seed, false);
          let left = evalCount;
          for (let b = ev.nextBatch(true); b && left > 0; b = ev.nextBatch(true)) {
            if (b.batchSize > left) b = sliceRows(b, left);
            left -= b.batchSize;
            yield b;
          }
        }
      : null,
    numTrainSequences: ranges.reduce((a, r) => a + r.end - r.start, 0),
    numEvalSequences: evalCount,
    predictedFraction: first.maxPredictions / first.seqLength,
    description: `${train.length} HDF5 shard(s), pre-masked (L=${first.seqLength}, ${first.maxPredictions} predictions per row)`,
    close() {
      for (const s of train) s.close();
    },
  };
}
