import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BertTokenizer, type MlmBatch, ShardSet } from '@bigs/data';
import { type BiGSForMaskedLM, writeFileAtomic } from '@bigs/models';
import { pipeline } from '@bigs/pipelines';
import { maskedLabelsOf, type PreparedData } from './data.js';

/**
 * Did the run learn context? The held-out masked-LM loss beside the loss of the best context-free guess — each
 * masked token predicted by its training-set unigram frequency, over exactly the masked positions the evaluation
 * scores — and a few fill-mask answers on held-out sentences.
 */

/** Token counts of the training data (special tokens excluded). */
export interface UnigramCounts {
  /** `[V]` occurrences of each id. */
  counts: Float64Array;
  total: number;
}

/** Count token ids over every sequence of a shard set, skipping `skipIds` ([CLS], [SEP], [PAD], [MASK]). */
export function countUnigrams(set: ShardSet, vocabSize: number, skipIds: readonly number[]): UnigramCounts {
  const counts = new Float64Array(vocabSize); // [V]
  const skip = new Set(skipIds);
  let total = 0;
  for (let s = 0; s < set.numShards; s++) {
    const { tokens } = set.shard(s);
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i] as number;
      if (skip.has(id)) continue;
      if (id < 0 || id >= vocabSize)
        throw new Error(`${set.dir}: token id ${id} outside the vocabulary [0, ${vocabSize})`);
      counts[id]! += 1;
      total++;
    }
  }
  return { counts, total };
}

/** `[V]` natural-log unigram probabilities, add-one smoothed (an id never seen in training still gets a finite loss). */
export function unigramLogProbs(u: UnigramCounts): Float64Array {
  const V = u.counts.length;
  const out = new Float64Array(V); // [V]
  const denom = Math.log(u.total + V);
  for (let i = 0; i < V; i++) out[i] = Math.log((u.counts[i] as number) + 1) - denom;
  return out;
}

/** Mean −log p_unigram(target) over the masked slots of the batches (the slots an MLM evaluation scores). */
export function unigramLoss(
  batches: Iterable<MlmBatch>,
  logProbs: Float64Array,
): { loss: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const b of batches) {
    const labels = maskedLabelsOf(b); // [B·P], −100 in unused slots
    for (const id of labels) {
      if (id < 0) continue;
      sum -= logProbs[id] as number;
      count++;
    }
  }
  if (count === 0) throw new Error('unigram baseline: the held-out batches hold no masked position');
  return { loss: sum / count, count };
}

/** A held-out sentence with one word replaced by `[MASK]`, and the word. */
export interface MaskedSentence {
  masked: string;
  answer: string;
}

const WORD = /^[a-z]{3,}$/;

/**
 * Up to `n` held-out sentences, one per sequence, from sequences spread evenly over the set: the first complete
 * sentence of 8–30 words (after the sequence's first, which packing may have cut) that has a word of 3+ letters
 * which is a single vocabulary token; the such word nearest the middle is masked. Deterministic, not cherry-picked.
 */
export function maskedSentences(set: ShardSet, tok: BertTokenizer, n: number): MaskedSentence[] {
  const seqs: Array<[number, number]> = [];
  for (let s = 0; s < set.numShards; s++) for (let i = 0; i < set.shardSize(s); i++) seqs.push([s, i]);
  const mask = tok.convertIdsToTokens([tok.maskTokenId])[0]!;
  const out: MaskedSentence[] = [];
  const stride = Math.max(1, Math.floor(seqs.length / n));
  // Visit every sequence, in the order 0, stride, 2·stride, …, 1, 1 + stride, … (spread before dense).
  const order: number[] = [];
  for (let off = 0; off < stride; off++) for (let k = off; k < seqs.length; k += stride) order.push(k);
  for (const k of order) {
    if (out.length >= n) break;
    const [s, i] = seqs[k]!;
    const text = tok.decode(Array.from(set.sequence(s, i).ids), { skipSpecialTokens: true });
    const sentences = text.split(/(?<=[.!?])\s+/).slice(1, -1);
    for (const sentence of sentences) {
      const words = sentence.split(' ');
      if (words.length < 8 || words.length > 30) continue;
      const candidates = words
        .map((w, j) => [w, j] as const)
        .filter(([w, j]) => j > 0 && WORD.test(w) && tok.tokenize(w).length === 1);
      if (candidates.length === 0) continue;
      const mid = words.length / 2;
      const [answer, j] = candidates.reduce((a, c) => (Math.abs(c[1] - mid) < Math.abs(a[1] - mid) ? c : a));
      out.push({ masked: words.map((w, x) => (x === j ? mask : w)).join(' '), answer });
      break;
    }
  }
  return out;
}

/** What {@link learningReport} reads. */
export interface LearningReportInput {
  model: BiGSForMaskedLM;
  tokenizer: BertTokenizer;
  /** The run's held-out evaluation (loss and accuracy at the masked positions of `evalBatches`). */
  evaluate: (() => Promise<{ loss: number; accuracy: number }>) | undefined;
  /** A fresh pass over the held-out batches (static masks), as the evaluation sees them. */
  evalBatches: (() => Iterable<MlmBatch>) | null;
  /** The run's output dir: tokenized shards in `data/train`, `data/validation`; the report goes to `learning_report.json`. */
  outDir: string;
  /** Fill-mask examples to show (default 4). */
  examples?: number;
}

/** The comparison and the examples, also written to `<outDir>/learning_report.json`. */
export interface LearningReport {
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
  unigramLoss: number | null;
  maskedPositions: number;
  trainTokens: number;
  fillMask: Array<MaskedSentence & { predictions: Array<{ token: string; score: number }> }>;
  /** Lines for the terminal. */
  lines: string[];
}

/** Held-out loss vs the unigram baseline, and fill-mask on held-out sentences. */
export async function learningReport(o: LearningReportInput): Promise<LearningReport> {
  const trainDir = join(o.outDir, 'data', 'train');
  const valDir = join(o.outDir, 'data', 'validation');
  const isSet = (d: string) => existsSync(join(d, 'manifest.json'));
  const r: LearningReport = {
    heldOutLoss: null,
    heldOutAccuracy: null,
    unigramLoss: null,
    maskedPositions: 0,
    trainTokens: 0,
    fillMask: [],
    lines: [],
  };
  if (o.evaluate && o.evalBatches && isSet(trainDir)) {
    const t = o.tokenizer;
    const skip = [t.clsTokenId, t.sepTokenId, t.padTokenId, t.maskTokenId];
    const uni = countUnigrams(ShardSet.open(trainDir), o.model.config.vocabSize, skip);
    const base = unigramLoss(o.evalBatches(), unigramLogProbs(uni));
    const ev = await o.evaluate();
    Object.assign(r, {
      heldOutLoss: ev.loss,
      heldOutAccuracy: ev.accuracy,
      unigramLoss: base.loss,
      maskedPositions: base.count,
      trainTokens: uni.total,
    });
    r.lines.push(
      `learned context? held-out masked-LM loss ${ev.loss.toFixed(3)} (accuracy ${(ev.accuracy * 100).toFixed(1)} %) vs ` +
        `unigram baseline ${base.loss.toFixed(3)} on the same ${base.count} masked tokens: ` +
        `${(base.loss - ev.loss).toFixed(2)} nat ${base.loss >= ev.loss ? 'below' : 'ABOVE'} the baseline`,
      `  (baseline: each masked token predicted by its frequency in the ${uni.total} training tokens, add-one smoothed)`,
    );
  } else {
    r.lines.push('learned context? no unigram comparison: needs held-out data and tokenized training shards');
  }
  if (isSet(valDir)) await addFillMask(o, ShardSet.open(valDir), r);
  await writeFileAtomic(
    join(o.outDir, 'learning_report.json'),
    `${JSON.stringify({ ...r, lines: undefined }, null, 2)}\n`,
  );
  return r;
}

async function addFillMask(o: LearningReportInput, valSet: ShardSet, r: LearningReport): Promise<void> {
  const examples = maskedSentences(valSet, o.tokenizer, o.examples ?? 4);
  if (examples.length === 0) return;
  const fill = await pipeline('fill-mask', o.model, { tokenizer: o.tokenizer });
  try {
    const answers = await fill(
      examples.map((e) => e.masked),
      { topK: 3 },
    );
    r.lines.push('fill-mask on held-out sentences (top 3 with probabilities; → the hidden word):');
    examples.forEach((e, i) => {
      const preds = answers[i]!.masks[0]!.predictions.map((p) => ({ token: p.tokenStr, score: p.score }));
      r.fillMask.push({ ...e, predictions: preds });
      const shown = preds.map((p) => `${p.token} ${p.score.toFixed(2)}`).join(', ');
      r.lines.push(`  ${e.masked}`, `    ${shown} → ${e.answer}${preds[0]?.token === e.answer ? ' ✓' : ''}`);
    });
  } finally {
    fill.dispose();
  }
}

/**
 * The report of a finished `pnpm pretrain` run as text for stdout; `evaluate` is the run's held-out evaluation,
 * re-run on the final model.
 *
 * @example
 * io.out(await learningReportText(model, tok, data, mlmEvaluate(model, data), 'runs/pretrain-tiny'));
 */
export async function learningReportText(
  model: BiGSForMaskedLM,
  tokenizer: BertTokenizer,
  data: PreparedData,
  evaluate: LearningReportInput['evaluate'],
  outDir: string,
): Promise<string> {
  const r = await learningReport({ model, tokenizer, evaluate, evalBatches: data.evalBatches, outDir });
  return r.lines.join('\n');
}
