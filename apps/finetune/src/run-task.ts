import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveGlueSource } from '@bigs/data';
import { type BiGSForSequenceClassification, writeFileAtomic } from '@bigs/models';
import { wasmHeapBytes } from '@bigs/ssm-kernels';
import {
  bigsTrainingFlopsPerToken,
  checkRunEstimate,
  estimateRun,
  measuredEstimate,
  measurePeakFlops,
  statedPeakFlops,
  Trainer,
} from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { type EncodedExample, encodeExamples, type HostBatch, makeBatch, ShuffledBatches } from './encode.js';
import {
  type Example,
  loadExamples,
  readScrolls,
  type ScrollsRow,
  scrollsExamples,
  scrollsLabelSet,
} from './examples.js';
import { type EvalRecord, splitMetrics, taskBestTracker, taskScore } from './metrics.js';
import { checkModelDir, loadClassifier, loadRunTokenizer, saveFinetuned } from './model-io.js';
import type { FinetuneOptions } from './options.js';
import { type EvalResultsFile, flatRecord, submissionText, writeEvalResults } from './results.js';
import { AX_FILE, type TaskName, type TaskSpec, taskSpec } from './tasks.js';

/** Training was stopped by SIGINT/SIGTERM after saving a checkpoint; the CLI exits with `exitCode` (130/143). */
export class StoppedBySignal extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'StoppedBySignal';
  }
}

/** The engine running now, as `initEngine` names its variants, and its thread count. */
function engineVariant(): { variant: string; threads: number } {
  const backend = tf.getBackend();
  if (backend !== 'wasm') return { variant: backend, threads: 1 };
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // not initialised through initEngine: count one thread
  }
  return { variant: threads > 1 ? 'wasm-mt' : 'wasm', threads };
}

/** Options of one task run: the parsed flags plus what `--task all` decides. */
export interface TaskRunOptions extends Omit<FinetuneOptions, 'task'> {
  task: TaskName;
  outputDir: string;
  /** Where progress and notes go (stderr by default). */
  log?: (message: string) => void;
}

/** What a task run produced. */
export interface TaskRunResult {
  task: TaskName;
  outputDir: string;
  best: EvalRecord | null;
  final: EvalRecord | null;
  /** Submission / prediction files written. */
  predictions: string[];
  steps: number;
  trainSeconds: number;
  totalSeconds: number;
}

interface EvalSet {
  suffix: string;
  rows: EncodedExample[];
}

interface TestSet {
  file: string;
  ids: string[];
  rows: EncodedExample[];
  labelNames: string[] | null;
  names: boolean;
}

function hasSplit(dataDir: string, task: string, split: string): boolean {
  try {
    resolveGlueSource(dataDir, task, split);
    return true;
  } catch {
    return false;
  }
}

/** Logits of the model over `rows`, in eval batches: `[N, C]` row-major. */
export function predictLogits(
  model: BiGSForSequenceClassification,
  rows: readonly EncodedExample[],
  batchSize: number,
  batchOptions: { length: number | null; padId: number; regression: boolean },
): Float32Array {
  const c = model.config.numLabels;
  const out = new Float32Array(rows.length * c);
  for (let start = 0; start < rows.length; start += batchSize) {
    const part = rows.slice(start, start + batchSize).map((r) => ({ ...r, label: null }));
    const b = makeBatch(part, batchOptions);
    const logits = tf.tidy(() => {
      const shape: [number, number] = [b.size, b.length];
      return model.forward({
        inputIds: tf.tensor2d(b.ids, shape, 'int32'),
        attentionMask: tf.tensor2d(b.mask, shape, 'int32'),
        tokenTypeIds: tf.tensor2d(b.types, shape, 'int32'),
      }).logits; // [B, C]
    });
    out.set(logits.dataSync() as Float32Array, start * c);
    logits.dispose();
  }
  return out;
}

/** Class ids (argmax) or regression outputs from logits `[N, C]`. */
export function toPredictions(logits: Float32Array, c: number, regression: boolean): Float64Array {
  const n = logits.length / c;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (regression) {
      p[i] = logits[i * c]!;
      continue;
    }
    let best = 0;
    for (let j = 1; j < c; j++) if (logits[i * c + j]! > logits[i * c + best]!) best = j;
    p[i] = best;
  }
  return p;
}

/** Mean loss on host: softmax cross-entropy, or MSE for regression (as the training loss). */
export function hostLoss(
  logits: Float32Array,
  c: number,
  labels: ArrayLike<number>,
  regression: boolean,
): number {
  const n = labels.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (regression) {
      const d = logits[i * c]! - labels[i]!;
      s += d * d;
      continue;
    }
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits[i * c + j]!);
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(logits[i * c + j]! - m);
    s += m + Math.log(z) - logits[i * c + labels[i]!]!;
  }
  return s / n;
}

/**
 * Finetune one task: load data and model, train with AdamW + linear warmup/decay (the official recipe), evaluate
 * every `evalSteps`, at each epoch end and at the end, write eval_results.json (best-of-run and final), save the
 * model and write the submission files of the test splits that exist.
 *
 * @example
 * const r = await runTask({ ...DEFAULTS, task: 'rte', dataDir: 'glue', modelNameOrPath: 'runs/mnli', outputDir: 'runs/rte', ignoreMismatchedSizes: true });
 * r.best?.metrics.accuracy; // e.g. 0.62
 */
export async function runTask(o: TaskRunOptions): Promise<TaskRunResult> {
  const t0 = performance.now();
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  checkModelDir(o.modelNameOrPath);
  const tok = await loadRunTokenizer(o.modelNameOrPath, o.tokenizerName);

  // --- data ---
  let spec: TaskSpec;
  let train: Example[];
  const evalExamples: Array<{ suffix: string; examples: Example[] }> = [];
  const testExamples: Array<{
    file: string;
    examples: Example[];
    labelNames: string[] | null;
    names: boolean;
  }> = [];
  const decode = { invalidUtf8: o.allowInvalidUtf8 ? 'replace' : 'error' } as const;
  const src = { dataDir: o.dataDir, ...decode };
  if (o.task === 'scrolls') {
    const trainRows = await readScrolls(o.trainFile!, o.splitInputPair, decode);
    const labels = scrollsLabelSet(trainRows, o.trainFile!);
    spec = taskSpec('scrolls', labels);
    train = scrollsExamples(trainRows, labels, o.trainFile!);
    const val = await readScrolls(o.validationFile!, o.splitInputPair, decode);
    evalExamples.push({ suffix: '', examples: scrollsExamples(val, labels, o.validationFile!) });
    if (o.testFile && o.doPredict) {
      const test: ScrollsRow[] = await readScrolls(o.testFile, o.splitInputPair, decode);
      const ex = test.map((r) => ({ id: r.id, textA: r.textA, textB: r.textB, label: null }));
      testExamples.push({ file: 'scrolls_predictions.json', examples: ex, labelNames: labels, names: true });
    }
  } else {
    spec = taskSpec(o.task);
    train = await loadExamples(o.task, 'train', src);
    for (const s of spec.evalSplits) {
      evalExamples.push({ suffix: s.suffix, examples: await loadExamples(o.task, s.split, src) });
    }
    if (o.doPredict && o.dataDir) {
      for (const t of spec.testSplits) {
        if (!hasSplit(o.dataDir, o.task, t.split)) continue;
        const ex = (await loadExamples(o.task, t.split, src)).map((e) => ({ ...e, label: null }));
        testExamples.push({
          file: t.file,
          examples: ex,
          labelNames: spec.labelNames,
          names: spec.submissionNames,
        });
      }
      if (o.task === 'mnli' && hasSplit(o.dataDir, 'ax', 'test')) {
        const ex = (await loadExamples('ax', 'test', src)).map((e) => ({ ...e, label: null }));
        testExamples.push({ file: AX_FILE, examples: ex, labelNames: spec.labelNames, names: true });
      }
    }
  }
  if (o.maxTrainSamples !== null) train = train.slice(0, o.maxTrainSamples);
  if (o.maxEvalSamples !== null) {
    for (const e of evalExamples) e.examples = e.examples.slice(0, o.maxEvalSamples);
  }
  for (const e of evalExamples) {
    if (e.examples.some((x) => x.label === null))
      throw new Error(`${o.task}: evaluation split has unlabelled rows`);
  }
  const regression = spec.labelNames === null;

  // --- model ---
  const model = await loadClassifier(
    o.modelNameOrPath,
    { labelNames: spec.labelNames },
    { ignoreMismatchedSizes: o.ignoreMismatchedSizes, seed: o.seed, log, semantics: o.semantics },
  );
  try {
    const cfg = model.config;
    const p = cfg.maxPositionEmbeddings;
    const maxLen = o.maxSeqLength ?? p;
    if (maxLen > p) {
      throw new Error(`--max-seq-length ${maxLen} exceeds the model's max_position_embeddings ${p}`);
    }
    if (cfg.kernelLength === 'max_position' && (maxLen !== p || !o.padToMaxLength)) {
      throw new Error(
        `--max-seq-length ${maxLen}${o.padToMaxLength ? '' : ' with --pad-to-max-length false'}: this model follows the ` +
          `Flax length semantics (inputs must be exactly ${p} tokens); use --max-seq-length ${p} --pad-to-max-length true`,
      );
    }
    if (tok.vocabSize > cfg.vocabSize) {
      throw new Error(
        `tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${cfg.vocabSize}; pass the model's own tokenizer with --tokenizer-name`,
      );
    }
    const enc = (ex: Example[]) =>
      encodeExamples(tok, ex, { maxSeqLength: maxLen, pairEncoding: o.pairEncoding });
    const trainRows = enc(train);
    const evalSets: EvalSet[] = evalExamples.map((e) => ({ suffix: e.suffix, rows: enc(e.examples) }));
    const testSets: TestSet[] = testExamples.map((t) => ({
      file: t.file,
      ids: t.examples.map((x) => x.id),
      rows: enc(t.examples),
      labelNames: t.labelNames,
      names: t.names,
    }));
    const batchOptions = { length: o.padToMaxLength ? maxLen : null, padId: tok.padTokenId, regression };
    const data = new ShuffledBatches(trainRows, o.perDeviceTrainBatchSize, o.seed, batchOptions);
    const stepsPerEpoch = data.numBatches();
    const maxSteps = o.maxSteps > 0 ? o.maxSteps : Math.max(1, Math.ceil(o.numTrainEpochs * stepsPerEpoch));
    mkdirSync(o.outputDir, { recursive: true });
    log(
      `[${o.task}] ${train.length} train examples, ${evalSets.map((e) => e.rows.length).join('/')} eval, ` +
        `${testSets.map((t) => `${t.rows.length} → ${t.file}`).join(', ') || 'no test split'}; ` +
        `L=${maxLen}${o.padToMaxLength ? ' (padded)' : ''}, batch ${o.perDeviceTrainBatchSize}, ${maxSteps} steps ` +
        `(${stepsPerEpoch}/epoch), lr ${o.learningRate}, init ${o.modelNameOrPath}${o.freezeSsm ? ', SSM frozen' : ''}`,
    );

    // --- will it finish? (the same estimate as pnpm pretrain) Refuse what cannot fit; warn about many hours.
    const engine = engineVariant();
    const flopsPerToken = bigsTrainingFlopsPerToken({
      hiddenSize: cfg.hiddenSize,
      intermediateSize: cfg.intermediateSize,
      numLayers: cfg.numHiddenLayers,
      seqLength: maxLen,
      vocabSize: cfg.numLabels,
      predictedFraction: 1 / maxLen,
    });
    const estimate = checkRunEstimate(
      estimateRun({
        engine: engine.variant,
        parameters: model.namedParameters().reduce((n, [, p]) => n + p.variable.size, 0),
        hiddenSize: cfg.hiddenSize,
        intermediateSize: cfg.intermediateSize,
        numLayers: cfg.numHiddenLayers,
        batchSize: Math.min(o.perDeviceTrainBatchSize, trainRows.length),
        seqLength: maxLen,
        gradientAccumulationSteps: 1,
        steps: maxSteps,
        flopsPerToken,
        peakFlops: statedPeakFlops(engine.variant, engine.threads) ?? (await measurePeakFlops(512)),
        heldBytes: tf.memory().numBytes,
      }),
      {
        batchSize: `--per-device-train-batch-size ${o.perDeviceTrainBatchSize}`,
        seqLength: `--max-seq-length ${maxLen}`,
        other: engine.variant.startsWith('wasm')
          ? ['--backend native (limited by RAM, not a 4 GiB heap)']
          : [],
      },
    );
    for (const line of estimate.lines) log(`[${o.task}] ${line}`);
    if (estimate.warning) log(estimate.warning);
    if (estimate.error) throw new Error(estimate.error);

    // --- evaluation ---
    const tracker = taskBestTracker();
    const evalLog = join(o.outputDir, 'eval_log.jsonl');
    const evaluate = (step: number): EvalRecord => {
      const metrics: Record<string, number> = {};
      for (const s of evalSets) {
        const logits = predictLogits(model, s.rows, o.perDeviceEvalBatchSize, batchOptions);
        const labels = s.rows.map((r) => r.label as number);
        const preds = toPredictions(logits, cfg.numLabels, regression);
        Object.assign(metrics, splitMetrics(o.task, preds, labels, s.suffix));
        metrics[`loss${s.suffix}`] = hostLoss(logits, cfg.numLabels, labels, regression);
      }
      metrics.combined_score = taskScore(metrics);
      const record: EvalRecord = { step, epoch: Number((step / stepsPerEpoch).toFixed(4)), metrics };
      const isBest = tracker.add(record);
      appendFileSync(evalLog, `${JSON.stringify({ step, epoch: record.epoch, ...metrics })}\n`);
      log(
        `[${o.task}] eval @ step ${step} (epoch ${record.epoch}): ${Object.entries(metrics)
          .map(([k, v]) => `${k} ${Number(v.toFixed(4))}`)
          .join(', ')}${isBest ? ' (best)' : ''}`,
      );
      return record;
    };

    // --- training ---
    const trainer = new Trainer<HostBatch>({
      model,
      trainData: data,
      lossFn: (b, ctx) => {
        const shape: [number, number] = [b.size, b.length];
        const out = model.forward(
          {
            inputIds: tf.tensor2d(b.ids, shape, 'int32'),
            attentionMask: tf.tensor2d(b.mask, shape, 'int32'),
            tokenTypeIds: tf.tensor2d(b.types, shape, 'int32'),
            labels: regression
              ? tf.tensor1d(b.labels as Float32Array, 'float32')
              : tf.tensor1d(b.labels as Int32Array, 'int32'),
          },
          { ctx },
        );
        return { loss: out.loss! };
      },
      optimizer: {
        beta1: o.adamBeta1,
        beta2: o.adamBeta2,
        epsilon: o.adamEpsilon,
        weightDecay: o.weightDecay,
        ...(o.freezeSsm ? { freeze: ['ssm'] } : {}),
      },
      schedule: { kind: 'linear', peakLearningRate: o.learningRate, warmupRatio: o.warmupRatio },
      maxSteps,
      seed: o.seed,
      outputDir: o.outputDir,
      loggingSteps: o.loggingSteps,
      saveAtEnd: false,
      progress: o.progress,
      onStep: (info) => {
        const s = info.step;
        if (s === 1 && info.seconds !== undefined) {
          const m = measuredEstimate({
            stepSeconds: info.seconds,
            remainingSteps: maxSteps - s,
            memoryBytes: engine.variant.startsWith('wasm')
              ? (wasmHeapBytes() ?? null)
              : process.memoryUsage().rss,
          });
          log(`[${o.task}] ${m.line}`);
          if (m.warning) log(m.warning);
        }
        if ((o.evalSteps > 0 && s % o.evalSteps === 0) || s % stepsPerEpoch === 0 || s === maxSteps)
          evaluate(s);
        return undefined;
      },
    });
    const tTrain = performance.now();
    let steps: number;
    try {
      const result = await trainer.train();
      steps = result.globalStep;
      if (result.stopReason === 'signal') {
        throw new StoppedBySignal(
          `[${o.task}] stopped by ${result.signal} at step ${steps}; checkpoint: ${result.lastCheckpoint ?? 'none'}`,
          result.signal === 'SIGINT' ? 130 : 143,
        );
      }
      if (result.stopReason !== 'max_steps' && result.stopReason !== 'end_of_data') {
        throw new Error(
          `[${o.task}] training stopped early (${result.signal ?? result.stopReason}) at step ${steps}`,
        );
      }
    } finally {
      trainer.optimizer.dispose();
    }
    const trainSeconds = (performance.now() - tTrain) / 1000;

    // --- outputs ---
    const results: EvalResultsFile = {
      task: o.task,
      model_name_or_path: o.modelNameOrPath,
      metric_for_best: 'combined_score',
      best: flatRecord(tracker.best),
      final: flatRecord(tracker.last),
      train: {
        steps,
        steps_per_epoch: stepsPerEpoch,
        train_examples: train.length,
        max_seq_length: maxLen,
        pad_to_max_length: o.padToMaxLength,
        pair_encoding: o.pairEncoding,
        freeze_ssm: o.freezeSsm,
        learning_rate: o.learningRate,
        batch_size: o.perDeviceTrainBatchSize,
        seed: o.seed,
        train_seconds: Number(trainSeconds.toFixed(2)),
      },
    };
    await writeEvalResults(o.outputDir, results);
    if (o.saveModel) await saveFinetuned(model, tok, o.outputDir);
    const predictions: string[] = [];
    for (const t of testSets) {
      const logits = predictLogits(model, t.rows, o.perDeviceEvalBatchSize, batchOptions);
      const preds = toPredictions(logits, cfg.numLabels, regression);
      const dir = join(o.outputDir, 'submission');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, t.file);
      if (t.file.endsWith('.json')) {
        const obj = Object.fromEntries(
          t.ids.map((id, i) => [id, t.labelNames?.[preds[i]!] ?? String(preds[i])]),
        );
        await writeFileAtomic(path, `${JSON.stringify(obj, null, 1)}\n`);
      } else {
        await writeFileAtomic(
          path,
          submissionText(t.ids, preds, { labelNames: t.labelNames, names: t.names }),
        );
      }
      predictions.push(path);
    }
    return {
      task: o.task,
      outputDir: o.outputDir,
      best: tracker.best,
      final: tracker.last,
      predictions,
      steps,
      trainSeconds,
      totalSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    model.dispose();
  }
}
