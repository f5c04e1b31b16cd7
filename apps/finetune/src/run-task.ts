import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BertTokenizer } from '@bigs/data';
import { type BiGSForSequenceClassification, writeFileAtomic } from '@bigs/models';
import { wasmHeapBytes } from '@bigs/ssm-kernels';
import {
  type BestTracker,
  bigsTrainingFlopsPerToken,
  checkRunEstimate,
  estimateRun,
  measuredEstimate,
  measurePeakFlops,
  statedPeakFlops,
  stepsForEpochs,
  Trainer,
} from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { WeightSnapshot } from './best-weights.js';
import { type EncodedExample, encodeExamples, type HostBatch, ShuffledBatches } from './encode.js';
import type { Example } from './examples.js';
import { hostLoss, predictLogits, toPredictions } from './logits.js';
import {
  type EvalRecord,
  type MajorityBaseline,
  majorityBaseline,
  splitMetrics,
  taskBestTracker,
  taskScore,
} from './metrics.js';
import { checkModelDir, loadClassifier, loadRunTokenizer, saveFinetuned } from './model-io.js';
import type { FinetuneOptions } from './options.js';
import { type EvalResultsFile, flatRecord, submissionText, writeEvalResults } from './results.js';
import { loadTaskData, type TaskData } from './task-data.js';
import type { TaskName } from './tasks.js';

export { hostLoss, predictLogits, toPredictions } from './logits.js';

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
  /** Always predicting the most frequent training label, scored on the same evaluation splits. */
  baseline: MajorityBaseline | null;
  /** Where the model went: `--output-dir` with the weights of the best evaluation (step), or null (`--no-save-model`). */
  savedModel: { dir: string; step: number | null } | null;
  /** Submission / prediction files written. */
  predictions: string[];
  steps: number;
  trainSeconds: number;
  totalSeconds: number;
}

/** The encoded examples of a run and how they are batched. */
interface EncodedSets {
  maxLen: number;
  regression: boolean;
  batchOptions: { length: number | null; padId: number; regression: boolean };
  trainRows: EncodedExample[];
  evalSets: Array<{ suffix: string; rows: EncodedExample[] }>;
  testSets: Array<{
    file: string;
    ids: string[];
    rows: EncodedExample[];
    labelNames: string[] | null;
    names: boolean;
  }>;
}

/** Check `--max-seq-length` and the tokenizer against the model, then encode every split. */
function encodeTaskData(
  o: TaskRunOptions,
  tok: BertTokenizer,
  model: BiGSForSequenceClassification,
  data: TaskData,
): EncodedSets {
  const cfg = model.config;
  const p = cfg.maxPositionEmbeddings;
  const maxLen = o.maxSeqLength ?? p;
  if (maxLen > p)
    throw new Error(`--max-seq-length ${maxLen} exceeds the model's max_position_embeddings ${p}`);
  if (cfg.kernelLength === 'max_position' && (maxLen !== p || !o.padToMaxLength)) {
    throw new Error(
      `--max-seq-length ${maxLen}${o.padToMaxLength ? '' : ' with --no-pad-to-max-length'}: this model follows the ` +
        `Flax length semantics (inputs must be exactly ${p} tokens); use --max-seq-length ${p} --pad-to-max-length`,
    );
  }
  if (tok.vocabSize > cfg.vocabSize) {
    throw new Error(
      `tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${cfg.vocabSize}; pass the model's own tokenizer with --tokenizer`,
    );
  }
  const enc = (ex: Example[]) =>
    encodeExamples(tok, ex, { maxSeqLength: maxLen, pairEncoding: o.pairEncoding });
  const regression = data.spec.labelNames === null;
  return {
    maxLen,
    regression,
    batchOptions: { length: o.padToMaxLength ? maxLen : null, padId: tok.padTokenId, regression },
    trainRows: enc(data.train),
    evalSets: data.evalExamples.map((e) => ({ suffix: e.suffix, rows: enc(e.examples) })),
    testSets: data.testExamples.map((t) => ({
      file: t.file,
      ids: t.examples.map((x) => x.id),
      rows: enc(t.examples),
      labelNames: t.labelNames,
      names: t.names,
    })),
  };
}

/** Will it finish? (the same estimate as pnpm pretrain) Refuse what cannot fit; warn about many hours. */
async function checkTaskEstimate(
  o: TaskRunOptions,
  model: BiGSForSequenceClassification,
  sets: EncodedSets,
  maxSteps: number,
  log: (m: string) => void,
): Promise<void> {
  const cfg = model.config;
  const engine = engineVariant();
  const shape = {
    hiddenSize: cfg.hiddenSize,
    intermediateSize: cfg.intermediateSize,
    numLayers: cfg.numHiddenLayers,
  };
  const flopsPerToken = bigsTrainingFlopsPerToken({
    ...shape,
    seqLength: sets.maxLen,
    vocabSize: cfg.numLabels,
    predictedFraction: 1 / sets.maxLen,
  });
  const estimate = checkRunEstimate(
    estimateRun({
      engine: engine.variant,
      parameters: model.namedParameters().reduce((n, [, p]) => n + p.variable.size, 0),
      ...shape,
      batchSize: Math.min(o.perDeviceTrainBatchSize, sets.trainRows.length),
      seqLength: sets.maxLen,
      gradientAccumulationSteps: 1,
      steps: maxSteps,
      flopsPerToken,
      peakFlops: statedPeakFlops(engine.variant, engine.threads) ?? (await measurePeakFlops(512)),
      heldBytes: tf.memory().numBytes,
    }),
    {
      batchSize: `--per-device-train-batch-size ${o.perDeviceTrainBatchSize}`,
      seqLength: `--max-seq-length ${sets.maxLen}`,
      other: engine.variant.startsWith('wasm') ? ['--backend native (limited by RAM, not a 4 GiB heap)'] : [],
    },
  );
  for (const line of estimate.lines) log(`[${o.task}] ${line}`);
  if (estimate.warning) log(estimate.warning);
  if (estimate.error) throw new Error(estimate.error);
}

/** Evaluations of a run: metrics per split, eval_log.jsonl, the best-of-run record and its weights. */
interface TaskEvaluator {
  evaluate(step: number): EvalRecord;
  tracker: BestTracker<EvalRecord>;
  /** The model's weights at the best evaluation (null before the first). */
  bestWeights(): WeightSnapshot | null;
}

function taskEvaluator(
  o: TaskRunOptions,
  model: BiGSForSequenceClassification,
  sets: EncodedSets,
  stepsPerEpoch: number,
  log: (m: string) => void,
): TaskEvaluator {
  const tracker = taskBestTracker();
  const evalLog = join(o.outputDir, 'eval_log.jsonl');
  const c = model.config.numLabels;
  let best: WeightSnapshot | null = null;
  const evaluate = (step: number): EvalRecord => {
    const metrics: Record<string, number> = {};
    for (const s of sets.evalSets) {
      const logits = predictLogits(model, s.rows, o.perDeviceEvalBatchSize, sets.batchOptions);
      const labels = s.rows.map((r) => r.label as number);
      Object.assign(
        metrics,
        splitMetrics(o.task, toPredictions(logits, c, sets.regression), labels, s.suffix),
      );
      metrics[`loss${s.suffix}`] = hostLoss(logits, c, labels, sets.regression);
    }
    metrics.combined_score = taskScore(metrics);
    const record: EvalRecord = { step, epoch: Number((step / stepsPerEpoch).toFixed(4)), metrics };
    const isBest = tracker.add(record);
    if (isBest) best = WeightSnapshot.of(model);
    appendFileSync(evalLog, `${JSON.stringify({ step, epoch: record.epoch, ...metrics })}\n`);
    const shown = Object.entries(metrics).map(([k, v]) => `${k} ${Number(v.toFixed(4))}`);
    log(
      `[${o.task}] eval @ step ${step} (epoch ${record.epoch}): ${shown.join(', ')}${isBest ? ' (best)' : ''}`,
    );
    return record;
  };
  return { evaluate, tracker, bestWeights: () => best };
}

/** Train with AdamW + linear warmup/decay, evaluating every `evalSteps`, at epoch ends and at the end. */
async function trainTask(
  o: TaskRunOptions,
  model: BiGSForSequenceClassification,
  batches: ShuffledBatches,
  plan: { maxSteps: number; stepsPerEpoch: number; regression: boolean },
  evaluator: TaskEvaluator,
  log: (m: string) => void,
): Promise<number> {
  const { maxSteps, stepsPerEpoch } = plan;
  const onWasm = engineVariant().variant.startsWith('wasm');
  const trainer = new Trainer<HostBatch>({
    model,
    trainData: batches,
    lossFn: (b, ctx) => {
      const shape: [number, number] = [b.size, b.length];
      const out = model.forward(
        {
          inputIds: tf.tensor2d(b.ids, shape, 'int32'), // [B, L]
          attentionMask: tf.tensor2d(b.mask, shape, 'int32'), // [B, L]
          tokenTypeIds: tf.tensor2d(b.types, shape, 'int32'), // [B, L]
          labels: plan.regression
            ? tf.tensor1d(b.labels as Float32Array, 'float32') // [B]
            : tf.tensor1d(b.labels as Int32Array, 'int32'), // [B]
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
        const memoryBytes = onWasm ? (wasmHeapBytes() ?? null) : process.memoryUsage().rss;
        const m = measuredEstimate({ stepSeconds: info.seconds, remainingSteps: maxSteps - s, memoryBytes });
        log(`[${o.task}] ${m.line}`);
        if (m.warning) log(m.warning);
      }
      if ((o.evalSteps > 0 && s % o.evalSteps === 0) || s % stepsPerEpoch === 0 || s === maxSteps) {
        evaluator.evaluate(s);
      }
      return undefined;
    },
  });
  try {
    const result = await trainer.train();
    const steps = result.globalStep;
    if (result.stopReason === 'signal') {
      throw new StoppedBySignal(
        `[${o.task}] stopped by ${result.signal} at step ${steps}; checkpoint: ${result.lastCheckpoint ?? 'none'}`,
        result.exitCode ?? 143,
      );
    }
    if (result.stopReason !== 'max_steps' && result.stopReason !== 'end_of_data') {
      throw new Error(
        `[${o.task}] training stopped early (${result.signal ?? result.stopReason}) at step ${steps}`,
      );
    }
    return steps;
  } finally {
    trainer.optimizer.dispose();
  }
}

/** Predict each test split with the model and write its submission file; returns the paths. */
async function writeSubmissions(
  o: TaskRunOptions,
  model: BiGSForSequenceClassification,
  sets: EncodedSets,
): Promise<string[]> {
  const paths: string[] = [];
  for (const t of sets.testSets) {
    const logits = predictLogits(model, t.rows, o.perDeviceEvalBatchSize, sets.batchOptions);
    const preds = toPredictions(logits, model.config.numLabels, sets.regression);
    const dir = join(o.outputDir, 'submission');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, t.file);
    if (t.file.endsWith('.json')) {
      const obj = Object.fromEntries(
        t.ids.map((id, i) => [id, t.labelNames?.[preds[i]!] ?? String(preds[i])]),
      );
      await writeFileAtomic(path, `${JSON.stringify(obj, null, 1)}\n`);
    } else {
      await writeFileAtomic(path, submissionText(t.ids, preds, { labelNames: t.labelNames, names: t.names }));
    }
    paths.push(path);
  }
  return paths;
}

/** eval_results.json: best-of-run and final metrics, the training summary and the majority baseline. */
function evalResults(
  o: TaskRunOptions,
  tracker: BestTracker<EvalRecord>,
  train: { steps: number; stepsPerEpoch: number; examples: number; maxLen: number; seconds: number },
  baseline: MajorityBaseline | null,
): EvalResultsFile {
  return {
    task: o.task,
    model_name_or_path: o.modelNameOrPath,
    metric_for_best: 'combined_score',
    best: flatRecord(tracker.best),
    final: flatRecord(tracker.last),
    train: {
      steps: train.steps,
      steps_per_epoch: train.stepsPerEpoch,
      train_examples: train.examples,
      max_seq_length: train.maxLen,
      pad_to_max_length: o.padToMaxLength,
      pair_encoding: o.pairEncoding,
      freeze_ssm: o.freezeSsm,
      learning_rate: o.learningRate,
      batch_size: o.perDeviceTrainBatchSize,
      seed: o.seed,
      train_seconds: Number(train.seconds.toFixed(2)),
    },
    majority_baseline: baseline && { label: baseline.label, ...baseline.metrics },
  };
}

/** The majority-class baseline of the run's evaluation splits (null for regression). */
function baselineOf(o: TaskRunOptions, data: TaskData): MajorityBaseline | null {
  if (data.spec.labelNames === null) return null;
  return majorityBaseline(
    o.task,
    data.train.map((x) => x.label as number),
    data.evalExamples.map((e) => ({ suffix: e.suffix, labels: e.examples.map((x) => x.label as number) })),
  );
}

/**
 * Finetune one task: load data and model, train with AdamW + linear warmup/decay (the official recipe), evaluate
 * every `evalSteps`, at each epoch end and at the end, then end with the best-of-run weights (the model of the
 * best evaluation, HF `load_best_model_at_end`): write eval_results.json (best-of-run and final), save that model
 * and write the submission files of the test splits that exist with it.
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
  const data = await loadTaskData(o);
  const baseline = baselineOf(o, data);
  const model = await loadClassifier(
    o.modelNameOrPath,
    { labelNames: data.spec.labelNames },
    { ignoreMismatchedSizes: o.ignoreMismatchedSizes, seed: o.seed, log, semantics: o.semantics },
  );
  try {
    const sets = encodeTaskData(o, tok, model, data);
    const batches = new ShuffledBatches(sets.trainRows, o.perDeviceTrainBatchSize, o.seed, sets.batchOptions);
    const stepsPerEpoch = batches.numBatches();
    const maxSteps = o.maxSteps > 0 ? o.maxSteps : stepsForEpochs(o.numTrainEpochs, stepsPerEpoch);
    mkdirSync(o.outputDir, { recursive: true });
    log(
      `[${o.task}] ${data.train.length} train examples, ${sets.evalSets.map((e) => e.rows.length).join('/')} eval, ` +
        `${sets.testSets.map((t) => `${t.rows.length} → ${t.file}`).join(', ') || 'no test split'}; ` +
        `L=${sets.maxLen}${o.padToMaxLength ? ' (padded)' : ''}, batch ${o.perDeviceTrainBatchSize}, ${maxSteps} steps ` +
        `(${stepsPerEpoch}/epoch), lr ${o.learningRate}, init ${o.modelNameOrPath}${o.freezeSsm ? ', SSM frozen' : ''}`,
    );
    await checkTaskEstimate(o, model, sets, maxSteps, log);
    const evaluator = taskEvaluator(o, model, sets, stepsPerEpoch, log);
    const tTrain = performance.now();
    const plan = { maxSteps, stepsPerEpoch, regression: sets.regression };
    const steps = await trainTask(o, model, batches, plan, evaluator, log);
    const seconds = (performance.now() - tTrain) / 1000;
    const summary = { steps, stepsPerEpoch, examples: data.train.length, maxLen: sets.maxLen, seconds };
    await writeEvalResults(o.outputDir, evalResults(o, evaluator.tracker, summary, baseline));
    evaluator.bestWeights()?.restore(model);
    if (o.saveModel) await saveFinetuned(model, tok, o.outputDir);
    const best = evaluator.tracker.best;
    return {
      task: o.task,
      outputDir: o.outputDir,
      best,
      final: evaluator.tracker.last,
      baseline,
      savedModel: o.saveModel ? { dir: o.outputDir, step: best?.step ?? null } : null,
      predictions: await writeSubmissions(o, model, sets),
      steps,
      trainSeconds: seconds,
      totalSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    model.dispose();
  }
}
