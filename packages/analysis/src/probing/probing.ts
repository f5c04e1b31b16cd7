import { createRng } from '@bigs/common';
import type { BertTokenizer } from '@bigs/data';
import type { AnyBiGSModel, BiGSPreTrainedModel } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { modelBlocks } from '../kernels/extract.js';
import { type AlignedSentence, alignWords, poolWords, type WordPooling } from './align.js';
import { type ConlluSentence, treeDepths } from './conllu.js';
import { type ProbeTrainOptions, predictProbe, probeAccuracy, trainLinearProbe } from './probe.js';

/** Token-level probing tasks. `depth`: distance to the root via HEAD, capped at `maxDepth` (class "≥ maxDepth"). */
export type ProbeTask = 'upos' | 'depth';

/** Options of {@link probeModel}. */
export interface ProbeModelOptions {
  /** Default `['upos', 'depth']`. */
  tasks?: readonly ProbeTask[];
  /** Hidden-state indices (0 = embeddings, i = after block i−1); default all. */
  layers?: readonly number[];
  /** Word vector from its sub-tokens (default `first`). */
  pooling?: WordPooling;
  /** Share of sentences held out as dev (default 0.2; split by sentence, seeded). */
  devFraction?: number;
  /** Seed of the split and of the probe's batch order (default 0). */
  seed?: number;
  /** Depth classes 0 … maxDepth−1 and "≥ maxDepth" (default 8). */
  maxDepth?: number;
  /** Use at most this many sentences (the first ones; default 400). Features are kept per layer in memory. */
  maxSentences?: number;
  /** Sequences per forward pass (default 8). */
  batchSize?: number;
  /** Probe training options. */
  probe?: ProbeTrainOptions;
  /** Name of the CoNLL-U source, for error messages (default `<conllu>`). */
  source?: string;
  /** Called after each step (extraction batches, then each task × layer). */
  onProgress?: (message: string) => void;
}

/** One layer's probe result. */
export interface LayerProbeResult {
  layer: number;
  trainAccuracy: number;
  devAccuracy: number;
}

/** One task's results across layers. */
export interface ProbeTaskResult {
  task: ProbeTask;
  /** Class names (index = class id). */
  labels: string[];
  numTrain: number;
  numDev: number;
  /** Majority class of the training words and its dev accuracy (the floor a probe must beat). */
  majority: { label: string; devAccuracy: number };
  layers: LayerProbeResult[];
}

/** Everything {@link probeModel} measured. */
export interface ProbingReport {
  numSentences: number;
  numTrainSentences: number;
  numDevSentences: number;
  /** Words kept (inside the model's length). */
  numWords: number;
  /** Words dropped because their sentence did not fit the model's length. */
  truncatedWords: number;
  pooling: WordPooling;
  /** The sequence length used: 'per-sentence' (no padding) or the padded length (Flax semantics: P). */
  sequenceLength: number | 'per-sentence';
  tasks: ProbeTaskResult[];
  /** Notes (e.g. a task skipped because the file has no HEAD column). */
  notes: string[];
}

/**
 * Frozen hidden states of every word per layer: `features[i]` is row-major [words, H] for `layers[i]`.
 * Sentences are run in batches of equal length; under the Flax length semantics every sentence is right-padded to P
 * (as the model was trained), otherwise each runs at its own length without padding (BiGS reads padding, so padding
 * would change the features).
 */
export function extractWordFeatures(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  aligned: readonly AlignedSentence[],
  layers: readonly number[],
  options: { pooling?: WordPooling; batchSize?: number; onProgress?: (m: string) => void } = {},
): Float32Array[] {
  const H = model.config.hiddenSize;
  const pooling = options.pooling ?? 'first';
  const bs = options.batchSize ?? 8;
  const offsets: number[] = [];
  let total = 0;
  for (const a of aligned) {
    offsets.push(total);
    total += a.spans.length;
  }
  const feats = layers.map(() => new Float32Array(total * H)); // each [W, H]
  const byLen = new Map<number, number[]>();
  aligned.forEach((a, i) => {
    const l = a.inputIds.length;
    byLen.set(l, [...(byLen.get(l) ?? []), i]);
  });
  let done = 0;
  for (const [L, idxs] of [...byLen].sort((p, q) => p[0] - q[0])) {
    for (let s = 0; s < idxs.length; s += bs) {
      const batch = idxs.slice(s, s + bs);
      const B = batch.length;
      const ids = new Int32Array(B * L);
      const mask = new Float32Array(B * L);
      const types = new Int32Array(B * L);
      batch.forEach((si, j) => {
        ids.set(aligned[si]!.inputIds, j * L);
        mask.set(aligned[si]!.attentionMask, j * L);
        types.set(aligned[si]!.tokenTypeIds, j * L);
      });
      const hs = tf.tidy(() => {
        const out = model.backbone.forward(
          {
            inputIds: tf.tensor2d(ids, [B, L], 'int32'), // [B, L]
            attentionMask: tf.tensor2d(mask, [B, L], 'float32'), // [B, L]
            tokenTypeIds: tf.tensor2d(types, [B, L], 'int32'), // [B, L]
          },
          { outputHiddenStates: true },
        );
        return layers.map((l) => out.hiddenStates![l]!); // each [B, L, H]
      });
      try {
        layers.forEach((_, li) => {
          const v = hs[li]!.dataSync() as Float32Array; // [B, L, H]
          batch.forEach((si, j) => {
            const a = aligned[si]!;
            const w = poolWords(v.subarray(j * L * H, (j + 1) * L * H), H, a.spans, pooling); // [W_s, H]
            feats[li]!.set(w, offsets[si]! * H);
          });
        });
      } finally {
        for (const t of hs) t.dispose();
      }
      done += B;
      options.onProgress?.(`hidden states: ${done}/${aligned.length} sentences`);
    }
  }
  return feats;
}

function rowsOf(x: Float32Array, h: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * h);
  rows.forEach((r, i) => {
    out.set(x.subarray(r * h, r * h + h), i * h);
  });
  return out;
}

/** The checked options of {@link probeModel}. */
interface ProbeSettings {
  layers: number[];
  tasks: readonly ProbeTask[];
  devFraction: number;
  maxDepth: number;
  pooling: 'first' | 'mean';
  sents: readonly ConlluSentence[];
}

function checkProbeOptions(
  numLayers: number,
  vocabSize: number,
  tokenizer: BertTokenizer,
  sentences: readonly ConlluSentence[],
  options: ProbeModelOptions,
): ProbeSettings {
  const where = 'probeModel';
  const layers = options.layers
    ? [...new Set(options.layers)].sort((a, b) => a - b)
    : Array.from({ length: numLayers + 1 }, (_, i) => i);
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l > numLayers) {
      throw new Error(
        `${where}: layer ${l} is out of range; hidden states are 0..${numLayers} (0 = embeddings)`,
      );
    }
  }
  const tasks = options.tasks ?? ['upos', 'depth'];
  for (const t of tasks)
    if (t !== 'upos' && t !== 'depth') throw new Error(`${where}: unknown task '${t}' (upos | depth)`);
  const devFraction = options.devFraction ?? 0.2;
  if (!(devFraction > 0 && devFraction < 1))
    throw new Error(`${where}: devFraction must be in (0, 1), got ${devFraction}`);
  const pooling = options.pooling ?? 'first';
  if (pooling !== 'first' && pooling !== 'mean')
    throw new Error(`${where}: pooling must be 'first' | 'mean', got '${pooling}'`);
  const sents = sentences.slice(0, options.maxSentences ?? 400);
  if (sents.length < 2)
    throw new Error(`${where}: need at least 2 sentences (train and dev), got ${sents.length}`);
  if (tokenizer.vocab.size > vocabSize) {
    throw new Error(
      `${where}: tokenizer vocabulary (${tokenizer.vocab.size}) is larger than the model's vocab_size (${vocabSize}); use the model's own tokenizer`,
    );
  }
  return { layers, tasks, devFraction, maxDepth: options.maxDepth ?? 8, pooling, sents };
}

/** Per kept word: its sentence, UPOS tag and tree depth; `haveDepth` false when a sentence lacks HEADs. */
interface WordLabels {
  wordSentence: number[];
  upos: string[];
  depth: number[];
  haveDepth: boolean;
}

function wordLabels(
  sents: readonly ConlluSentence[],
  aligned: ReturnType<typeof alignWords>[],
  wantDepth: boolean,
  source: string,
  notes: string[],
): WordLabels {
  const out: WordLabels = { wordSentence: [], upos: [], depth: [], haveDepth: wantDepth };
  const depthsPerSentence: (number[] | null)[] = sents.map((s) => {
    if (!out.haveDepth) return null;
    if (s.words.some((w) => w.head === null)) {
      out.haveDepth = false;
      notes.push(`tree depth skipped: sentence at line ${s.line} has words without HEAD ('_')`);
      return null;
    }
    return treeDepths(s, source);
  });
  aligned.forEach((a, si) => {
    for (let w = 0; w < a.spans.length; w++) {
      out.wordSentence.push(si);
      out.upos.push(sents[si]!.words[w]!.upos);
      out.depth.push(depthsPerSentence[si]?.[w] ?? 0);
    }
  });
  return out;
}

/** Class names and per-word class ids of a task (UPOS by frequency; depth capped at `maxDepth`). */
function taskLabels(task: ProbeTask, words: WordLabels, maxDepth: number) {
  if (task === 'upos') {
    const counts = new Map<string, number>();
    for (const u of words.upos) counts.set(u, (counts.get(u) ?? 0) + 1);
    const names = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([u]) => u);
    const id = new Map(names.map((u, i) => [u, i]));
    return { names, y: Int32Array.from(words.upos, (u) => id.get(u)!) };
  }
  const names = Array.from({ length: maxDepth + 1 }, (_, d) =>
    d === maxDepth ? `>=${maxDepth}` : String(d),
  );
  return { names, y: Int32Array.from(words.depth, (d) => Math.min(d, maxDepth)) };
}

/** Train rows, dev rows, features per layer: what every task's probes share. */
interface ProbeData {
  layers: number[];
  feats: ReturnType<typeof extractWordFeatures>;
  H: number;
  trainRows: number[];
  devRows: number[];
}

/** The majority baseline and one probe per layer for one task. */
function probeTask(
  task: ProbeTask,
  names: string[],
  y: Int32Array,
  d: ProbeData,
  options: ProbeModelOptions,
): ProbeTaskResult {
  const yTrain = Int32Array.from(d.trainRows, (r) => y[r]!);
  const yDev = Int32Array.from(d.devRows, (r) => y[r]!);
  const freq = new Array<number>(names.length).fill(0);
  for (const v of yTrain) freq[v]!++;
  const maj = freq.indexOf(Math.max(...freq));
  const majority = {
    label: names[maj]!,
    devAccuracy: probeAccuracy(new Int32Array(yDev.length).fill(maj), yDev),
  };
  const layerResults: LayerProbeResult[] = [];
  d.layers.forEach((layer, li) => {
    const xTrain = rowsOf(d.feats[li]!, d.H, d.trainRows);
    const xDev = rowsOf(d.feats[li]!, d.H, d.devRows);
    const probe = trainLinearProbe(xTrain, yTrain, d.H, names.length, {
      seed: options.seed ?? 0,
      ...options.probe,
    });
    layerResults.push({
      layer,
      trainAccuracy: probeAccuracy(predictProbe(probe, xTrain), yTrain),
      devAccuracy: probeAccuracy(predictProbe(probe, xDev), yDev),
    });
    options.onProgress?.(`probe ${task}: layer ${layer} done`);
  });
  const numTrain = d.trainRows.length;
  return { task, labels: names, numTrain, numDev: d.devRows.length, majority, layers: layerResults };
}

/**
 * Linear probing by layer: align CoNLL-U words to WordPiece tokens, extract frozen hidden states per layer
 * (embeddings + each block), derive token labels (UPOS; tree depth), split train/dev by sentence, train a softmax
 * regression probe per layer and task, report train/dev accuracy and the majority-class baseline.
 *
 * @example
 * const report = await probeModel(model, tokenizer, await readConllu('dev.conllu'), { layers: [0, 6, 12] });
 * report.tasks[0].layers.map((l) => l.devAccuracy); // one accuracy per requested layer
 */
export async function probeModel(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  tokenizer: BertTokenizer,
  sentences: readonly ConlluSentence[],
  options: ProbeModelOptions = {},
): Promise<ProbingReport> {
  const cfg = model.config;
  const o = checkProbeOptions(modelBlocks(model).length, cfg.vocabSize, tokenizer, sentences, options);
  const { sents, layers, pooling } = o;
  const P = cfg.maxPositionEmbeddings;
  const padTo = cfg.kernelLength === 'max_position' ? P : 0;
  const words = sents.map((s) => s.words.map((w) => w.form));
  const aligned = words.map((w) => alignWords(tokenizer, w, { maxLength: P, padTo }));
  const truncatedWords = aligned.reduce((n, a) => n + a.truncatedWords, 0);
  const notes: string[] = [];
  if (truncatedWords > 0)
    notes.push(`${truncatedWords} word(s) beyond the model length (${P} tokens) were dropped`);

  // split by sentence
  const order = createRng(options.seed ?? 0).shuffle(Array.from({ length: sents.length }, (_, i) => i));
  const nDev = Math.max(1, Math.min(sents.length - 1, Math.round(o.devFraction * sents.length)));
  const isDev = new Uint8Array(sents.length);
  for (const i of order.slice(0, nDev)) isDev[i] = 1;

  const labels = wordLabels(sents, aligned, o.tasks.includes('depth'), options.source ?? '<conllu>', notes);
  const numWords = labels.wordSentence.length;
  if (numWords === 0) throw new Error('probeModel: no words to probe');
  const trainRows: number[] = [];
  const devRows: number[] = [];
  labels.wordSentence.forEach((s, i) => {
    (isDev[s] ? devRows : trainRows).push(i);
  });
  const feats = extractWordFeatures(model, aligned, layers, {
    pooling,
    batchSize: options.batchSize ?? 8,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const data: ProbeData = { layers, feats, H: cfg.hiddenSize, trainRows, devRows };
  const results: ProbeTaskResult[] = [];
  for (const task of o.tasks) {
    if (task === 'depth' && !labels.haveDepth) continue;
    const { names, y } = taskLabels(task, labels, o.maxDepth);
    results.push(probeTask(task, names, y, data, options));
    await Promise.resolve();
  }
  return {
    numSentences: sents.length,
    numTrainSentences: sents.length - nDev,
    numDevSentences: nDev,
    numWords,
    truncatedWords,
    pooling,
    sequenceLength: padTo > 0 ? padTo : 'per-sentence',
    tasks: results,
    notes,
  };
}
