import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BertTokenizer, loadEmbeddedTokenizer, loadTokenizer, saveTokenizer } from '@bigs/data';
import { ForwardContext } from '@bigs/gated-blocks';
import {
  type BiGSConfig,
  BiGSForMaskedLM,
  configFromJSON,
  createConfig,
  fromPretrained,
  loadWeights,
  type Semantics,
  savePretrained,
  withSemantics,
  writeFileAtomic,
} from '@bigs/models';
import { assertWasmHeapBelow, type EngineInfo, initEngine, wasmHeapBytes } from '@bigs/ssm-kernels';
import {
  checkpointStep,
  checkRunEstimate,
  estimateRun,
  latestCheckpoint,
  MlmEvalAccumulator,
  maskedLmStats,
  measuredEstimate,
  readMetrics,
  Trainer,
  type TrainResult,
} from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { maskedLabelsOf, type PretrainBatch, prepareData } from './data.js';
import { extendPositions } from './extend-positions.js';
import { type FlagValues, helpText, resolveFlags, UsageError } from './flags.js';
import { measurePeakFlops, statedPeakFlops, trainingFlopsPerToken } from './flops.js';
import { checkOutputDir, checkResumeState } from './output-dir.js';
import { getPreset, PRESETS, type Preset, type TrainingDefaults } from './presets.js';

/** Where the app writes: progress/log lines (stderr) and the final summary (stdout). */
export interface RunIO {
  log(line: string): void;
  out(line: string): void;
}

const defaultIO: RunIO = {
  log: (l) => process.stderr.write(`${l}\n`),
  out: (l) => process.stdout.write(`${l}\n`),
};

/** Every setting of a run after presets, `--config` and flags are merged. */
export interface ResolvedRun {
  presetName: string;
  preset: Preset;
  /** A config.json given as `--model-config` (instead of a preset's model). */
  modelConfigFile: string | null;
  training: TrainingDefaults & {
    numTrainEpochs?: number;
    warmupRatio?: number;
    maxGradNorm: number;
    seed: number;
    evalBatchSize: number;
  };
  outputDir: string;
  flags: FlagValues;
}

const num = (f: FlagValues, k: string) => f[k] as number | undefined;

/**
 * Merge a preset's defaults with the flags. `--model-config` is a preset name or a config.json path (a file
 * takes the tiny preset's training defaults).
 *
 * @example
 * resolveRun(resolveFlags([])).training.maxSteps; // the tiny preset's step count
 */
export function resolveRun(flags: FlagValues): ResolvedRun {
  const mc = (flags['model-config'] as string | undefined) ?? 'tiny';
  let preset: Preset;
  let modelConfigFile: string | null = null;
  if (PRESETS[mc]) preset = getPreset(mc);
  else if (existsSync(mc)) {
    modelConfigFile = statSync(mc).isDirectory() ? join(mc, 'config.json') : mc;
    if (!existsSync(modelConfigFile)) throw new UsageError(`--model-config: ${mc} holds no config.json`);
    preset = getPreset('tiny');
  } else {
    throw new UsageError(
      `--model-config must be a preset (${Object.keys(PRESETS).join(', ')}) or a config.json path, got "${mc}"`,
    );
  }
  const t = preset.training;
  const pick = <K extends keyof TrainingDefaults>(flag: string, key: K): TrainingDefaults[K] =>
    (flags[flag] as TrainingDefaults[K] | undefined) ?? t[key];
  const warmupGiven = flags['warmup-steps'] !== undefined;
  const training: ResolvedRun['training'] = {
    maxSteps: pick('max-steps', 'maxSteps'),
    seqLength: pick('max-seq-length', 'seqLength'),
    batchSize: pick('per-device-train-batch-size', 'batchSize'),
    gradientAccumulationSteps: pick('gradient-accumulation-steps', 'gradientAccumulationSteps'),
    learningRate: pick('learning-rate', 'learningRate'),
    beta1: pick('adam-beta1', 'beta1'),
    beta2: pick('adam-beta2', 'beta2'),
    epsilon: pick('adam-epsilon', 'epsilon'),
    weightDecay: pick('weight-decay', 'weightDecay'),
    warmupSteps: pick('warmup-steps', 'warmupSteps'),
    scheduler: pick('lr-scheduler-type', 'scheduler'),
    cosineAlpha: pick('cosine-alpha', 'cosineAlpha'),
    loggingSteps: pick('logging-steps', 'loggingSteps'),
    evalSteps: pick('eval-steps', 'evalSteps'),
    saveSteps: pick('save-steps', 'saveSteps'),
    saveTotalLimit: pick('save-total-limit', 'saveTotalLimit'),
    maxGradNorm: num(flags, 'max-grad-norm') ?? 0,
    seed: num(flags, 'seed') ?? 42,
    evalBatchSize:
      num(flags, 'per-device-eval-batch-size') ?? pick('per-device-train-batch-size', 'batchSize'),
  };
  const mes = num(flags, 'max-eval-samples') ?? t.maxEvalSamples;
  if (mes !== undefined) training.maxEvalSamples = mes;
  const epochs = num(flags, 'num-train-epochs');
  if (epochs !== undefined && flags['max-steps'] === undefined) training.numTrainEpochs = epochs;
  const ratio = num(flags, 'warmup-ratio');
  if (ratio !== undefined && !warmupGiven) training.warmupRatio = ratio;
  const name = modelConfigFile ? basename(mc).replace(/\.json$/, '') : preset.name;
  const outputDir = (flags['output-dir'] as string | undefined) ?? join('runs', `pretrain-${name}`);
  return { presetName: preset.name, preset, modelConfigFile, training, outputDir, flags };
}

/** Tokenizer files (`vocab.txt`, `tokenizer.json`, `tokenizer_config.json`) as bytes, for every saved model dir. */
async function tokenizerFiles(tok: BertTokenizer): Promise<Record<string, Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'bigs-tok-'));
  try {
    await saveTokenizer(tok, dir);
    const out: Record<string, Uint8Array> = {};
    for (const f of await readdir(dir)) out[f] = await readFile(join(dir, f));
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function hasTokenizer(dir: string): boolean {
  return existsSync(join(dir, 'tokenizer.json')) || existsSync(join(dir, 'vocab.txt'));
}

/** Refuse to delete the working directory or one of its parents. */
function safeToDelete(dir: string): boolean {
  const rel = relative(resolve(dir), process.cwd());
  return rel !== '' && (rel.startsWith('..') || rel.split(sep)[0] === '..') && resolve(dir) !== sep;
}

/** Build the model: from a checkpoint (resume), a pretrained dir (continuation), a config file or a preset. */
async function buildModel(
  run: ResolvedRun,
  tok: BertTokenizer,
  resumeDir: string | null,
  io: RunIO,
): Promise<BiGSForMaskedLM> {
  const L = run.training.seqLength;
  const seed = run.training.seed;
  const quiet = () => {};
  const semantics = run.flags.semantics as Semantics | undefined;
  if (resumeDir) {
    const { model } = await fromPretrained(resumeDir, { head: 'masked-lm', logger: quiet });
    if (semantics !== undefined && model.config.semantics !== semantics) {
      model.dispose();
      throw new UsageError(
        `--semantics ${semantics}: the checkpoint ${resumeDir} trains in ${model.config.semantics} semantics; an exact resume keeps them (drop --semantics, or start a new run with --model-name-or-path)`,
      );
    }
    return model as BiGSForMaskedLM;
  }
  const from = run.flags['model-name-or-path'] as string | undefined;
  let model: BiGSForMaskedLM;
  if (from) {
    const { model: m } = await fromPretrained(from, { head: 'masked-lm', logger: (n) => io.log(`  ${n}`) });
    model = m as BiGSForMaskedLM;
    const P = model.config.maxPositionEmbeddings;
    if (P < L) {
      io.log(
        `extending position embeddings ${P} → ${L} (tiling the learned rows); SSM kernels follow the input length`,
      );
      const longer = extendPositions(model, L, seed);
      model.dispose();
      model = longer;
    } else if (model.config.kernelLength === 'max_position' && P !== L) {
      const cfg = createConfig({ ...model.config, kernelLength: 'input' });
      const again = new BiGSForMaskedLM(cfg, { seed });
      for (const [n, p] of again.parameterMap()) p.variable.assign(model.parameterMap().get(n)!.variable);
      model.dispose();
      model = again;
    }
    if (semantics !== undefined) {
      const again = new BiGSForMaskedLM(withSemantics(model.config, semantics), { seed });
      for (const [n, p] of again.parameterMap()) p.variable.assign(model.parameterMap().get(n)!.variable);
      model.dispose();
      model = again;
    }
  } else {
    let config: BiGSConfig;
    if (run.modelConfigFile) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(run.modelConfigFile, 'utf8'));
      } catch (e) {
        throw new UsageError(
          `--model-config ${run.modelConfigFile}: not valid JSON (${(e as Error).message})`,
        );
      }
      const obj = { vocab_size: tok.vocabSize, max_position_embeddings: L, ...(json as object) };
      config = configFromJSON(obj, { source: `--model-config ${run.modelConfigFile}` });
      config.architectures = ['BiGSForMaskedLM'];
    } else {
      config = createConfig({
        ...run.preset.model,
        vocabSize: tok.vocabSize,
        padTokenId: tok.padTokenId,
        maxPositionEmbeddings: L,
        kernelLength: 'input',
        architectures: [run.preset.model.modelType === 'bert' ? 'BertForMaskedLM' : 'BiGSForMaskedLM'],
      });
    }
    model = new BiGSForMaskedLM(semantics ? withSemantics(config, semantics) : config, { seed });
  }
  const c = model.config;
  if (c.vocabSize < tok.vocabSize) {
    throw new UsageError(
      `--tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${c.vocabSize}`,
    );
  }
  if (c.maxPositionEmbeddings < L) {
    throw new UsageError(
      `--max-seq-length ${L} exceeds the model's max_position_embeddings ${c.maxPositionEmbeddings}`,
    );
  }
  if (c.kernelLength === 'max_position' && c.maxPositionEmbeddings !== L) {
    throw new UsageError(
      `--max-seq-length ${L} must equal max_position_embeddings ${c.maxPositionEmbeddings} (kernel_length "max_position")`,
    );
  }
  return model;
}

function countParams(model: BiGSForMaskedLM): number {
  return model.namedParameters().reduce((a, [, p]) => a + p.variable.size, 0);
}

const fmtNum = (x: number) =>
  x >= 1e9
    ? `${(x / 1e9).toFixed(2)} G`
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} M`
      : `${(x / 1e3).toFixed(1)} k`;

/**
 * Run `pnpm pretrain` with these arguments. Returns the exit code (0 done, 1 usage/input error, 130/143 stopped
 * by SIGINT/SIGTERM after saving a checkpoint).
 */
export async function runPretrain(argv: readonly string[], io: RunIO = defaultIO): Promise<number> {
  let flags: FlagValues;
  let run: ResolvedRun;
  try {
    flags = resolveFlags(argv);
    if (flags.help) {
      io.out(helpText());
      return 0;
    }
    run = resolveRun(flags);
    checkOutputDir(run.outputDir);
  } catch (e) {
    io.log(`pretrain: error: ${(e as Error).message}`);
    return 1;
  }
  const t = run.training;
  const outDir = run.outputDir;
  const t0 = performance.now();

  // --- output dir: overwrite, explicit resume, or HF-style auto-resume
  let resumeDir: string | null = null;
  const resumeFlag = flags['resume-from-checkpoint'] as string | undefined;
  if (flags['overwrite-output-dir'] && existsSync(outDir)) {
    if (resumeFlag) {
      io.log('pretrain: error: --overwrite-output-dir and --resume-from-checkpoint exclude each other');
      return 1;
    }
    if (!safeToDelete(outDir)) {
      io.log(
        `pretrain: error: --overwrite-output-dir refuses to delete ${outDir} (the working directory or a parent)`,
      );
      return 1;
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  if (resumeFlag === 'latest') {
    resumeDir = existsSync(outDir) ? await latestCheckpoint(outDir) : null;
    if (!resumeDir) {
      io.log(`pretrain: error: --resume-from-checkpoint latest: no checkpoint-<step> in ${outDir}`);
      return 1;
    }
  } else if (resumeFlag) {
    if (!existsSync(join(resumeFlag, 'trainer_state.json'))) {
      io.log(
        `pretrain: error: --resume-from-checkpoint ${resumeFlag}: not a checkpoint dir (no trainer_state.json)`,
      );
      return 1;
    }
    resumeDir = resumeFlag;
  } else if (existsSync(outDir)) {
    resumeDir = await latestCheckpoint(outDir);
    if (resumeDir)
      io.log(`checkpoint detected, resuming from ${resumeDir} (pass --overwrite-output-dir to start over)`);
  }
  if (resumeDir) {
    try {
      checkResumeState(resumeDir, { outputDir: outDir, explicit: resumeFlag !== undefined });
    } catch (e) {
      io.log(`pretrain: error: ${(e as Error).message}`);
      return 1;
    }
  }
  mkdirSync(outDir, { recursive: true });

  // --- engine
  let engine: EngineInfo;
  try {
    engine = await initEngine({
      backend: (flags.backend as 'auto' | undefined) ?? 'auto',
      ...(flags.threads !== undefined ? { threads: flags.threads as number } : {}),
      quiet: true,
    });
  } catch (e) {
    io.log(`pretrain: error: --backend ${flags.backend ?? 'auto'}: ${(e as Error).message}`);
    return 1;
  }
  io.log(
    `engine: ${engine.variant} (${engine.package}@${engine.version}, ${engine.threads} thread(s)${engine.blas ? `, BLAS ${engine.blas.name}` : ''})${engine.notes.length ? ` — ${engine.notes.join('; ')}` : ''}`,
  );

  // --- tokenizer, model, data
  const tokPath =
    (flags.tokenizer as string | undefined) ??
    (resumeDir && hasTokenizer(resumeDir) ? resumeDir : undefined) ??
    (flags['model-name-or-path'] && hasTokenizer(flags['model-name-or-path'] as string)
      ? (flags['model-name-or-path'] as string)
      : undefined);
  let tok: BertTokenizer;
  try {
    tok = tokPath ? await loadTokenizer(tokPath) : await loadEmbeddedTokenizer();
  } catch (e) {
    io.log(`pretrain: error: --tokenizer ${tokPath}: ${(e as Error).message}`);
    return 1;
  }
  const tokFiles = await tokenizerFiles(tok);

  let model: BiGSForMaskedLM;
  let data: Awaited<ReturnType<typeof prepareData>>;
  try {
    model = await buildModel(run, tok, resumeDir, io);
    data = await prepareData({
      ...(flags['train-files'] ? { trainFiles: flags['train-files'] as string[] } : {}),
      ...(flags['validation-files'] ? { validationFiles: flags['validation-files'] as string[] } : {}),
      validationSplitPercentage: num(flags, 'validation-split-percentage') ?? 5,
      ...(flags['allow-invalid-utf8'] ? { invalidUtf8: 'replace' as const } : {}),
      seqLength: t.seqLength,
      seed: t.seed,
      dataDir: join(outDir, 'data'),
      tokenizer: tok,
      masking: {
        maskProb: num(flags, 'mlm-probability') ?? 0.15,
        wholeWord: Boolean(flags['whole-word-mask']),
      },
      batchSize: t.batchSize,
      evalBatchSize: t.evalBatchSize,
      ...(t.maxEvalSamples !== undefined ? { maxEvalSamples: t.maxEvalSamples } : {}),
      log: io.log,
    });
  } catch (e) {
    io.log(`pretrain: error: ${(e as Error).message.split('\n')[0]}`);
    if (process.env.BIGS_DEBUG) io.log((e as Error).stack ?? '');
    return 1;
  }

  const cfg = model.config;
  const L = t.seqLength;
  let maxSteps = t.maxSteps;
  if (t.numTrainEpochs !== undefined) {
    maxSteps = Math.max(
      1,
      Math.ceil((t.numTrainEpochs * (data.train.numBatches?.() ?? 1)) / t.gradientAccumulationSteps),
    );
  }
  const flops = trainingFlopsPerToken(
    { config: cfg, parameterShapes: model.namedParameters().map(([n, p]) => [n, [...p.variable.shape]]) },
    L,
    data.predictedFraction,
  );
  let peak = num(flags, 'peak-flops') ?? statedPeakFlops(engine.variant, engine.threads);
  let peakHow = flags['peak-flops'] !== undefined ? '--peak-flops' : 'stated for this backend';
  if (peak === null) {
    peak = await measurePeakFlops(1024);
    peakHow = 'measured: 1024² matmul';
  }
  io.log(
    `model: ${run.modelConfigFile ?? run.presetName} — ${cfg.blockArchitecture.toUpperCase()} + ${cfg.routing}, ` +
      `${cfg.numHiddenLayers} layers, H=${cfg.hiddenSize}, I=${cfg.intermediateSize}, N=${cfg.numSsm}, V=${cfg.vocabSize}, ` +
      `P=${cfg.maxPositionEmbeddings}; ${fmtNum(countParams(model))} parameters`,
  );
  io.log(`data: ${data.description}`);
  io.log(
    `train: ${maxSteps} steps × ${t.batchSize}×${t.gradientAccumulationSteps} sequences × ${L} tokens; ` +
      `AdamW lr ${t.learningRate} β=(${t.beta1}, ${t.beta2}) ε=${t.epsilon} wd=${t.weightDecay}; ` +
      `${t.scheduler} schedule, warmup ${t.warmupRatio !== undefined ? `${t.warmupRatio}×steps` : t.warmupSteps}`,
  );
  io.log(
    `MFU: ${fmtNum(flops.total)}FLOP/token (6·dense ${fmtNum(3 * flops.denseFwd)}, mixing ${fmtNum(3 * flops.mixingFwd)}, head ${fmtNum(3 * flops.headFwd)}) ÷ peak ${fmtNum(peak)}FLOP/s (${peakHow})`,
  );

  // --- will it finish? Refuse what cannot fit in memory; say so when it takes many hours.
  const startStep = resumeDir ? (checkpointStep(resumeDir) ?? 0) : 0;
  const estimate = checkRunEstimate(
    estimateRun({
      engine: engine.variant,
      parameters: countParams(model),
      hiddenSize: cfg.hiddenSize,
      intermediateSize: cfg.intermediateSize,
      numLayers: cfg.numHiddenLayers,
      headFloatsPerToken: 9 * cfg.vocabSize * data.predictedFraction,
      batchSize: t.batchSize,
      seqLength: L,
      gradientAccumulationSteps: t.gradientAccumulationSteps,
      steps: Math.max(0, maxSteps - startStep),
      flopsPerToken: flops.total,
      peakFlops: peak,
      heldBytes: tf.memory().numBytes,
    }),
    {
      batchSize: `--per-device-train-batch-size ${t.batchSize}`,
      batchSizeNote: '(raise --gradient-accumulation-steps to keep the effective batch)',
      seqLength: `--max-seq-length ${L}`,
      other: [
        'a smaller model (--model-config)',
        ...(engine.variant.startsWith('wasm') ? ['--backend native (limited by RAM, not a 4 GiB heap)'] : []),
      ],
    },
  );
  for (const line of estimate.lines) io.log(line);
  if (estimate.warning) io.log(estimate.warning);
  if (estimate.error) {
    io.log(`pretrain: error: ${estimate.error}`);
    data.close();
    model.dispose();
    return 1;
  }

  // --- objective and evaluation
  const lossFn = (b: PretrainBatch, ctx: ForwardContext) => {
    const d = b.data;
    const B = d.batchSize;
    const P = d.maxPredictions;
    const out = model.forward(
      {
        inputIds: tf.tensor2d(d.inputIds, [B, d.seqLength], 'int32'), // [B, L]
        attentionMask: tf.tensor2d(d.attentionMask, [B, d.seqLength], 'int32'), // [B, L]
        tokenTypeIds: tf.tensor2d(d.tokenTypeIds, [B, d.seqLength], 'int32'), // [B, L]
        maskedPositions: tf.tensor2d(d.maskedPositions, [B, P], 'int32'), // [B, P]
        maskedLabels: tf.tensor2d(b.maskedLabels, [B, P], 'int32'), // [B, P]
      },
      { ctx },
    );
    return { loss: out.loss as tf.Scalar };
  };
  const evaluate = data.evalBatches
    ? async () => {
        const acc = new MlmEvalAccumulator();
        for (const d of data.evalBatches!()) {
          const B = d.batchSize;
          const P = d.maxPredictions;
          const labels = maskedLabelsOf(d);
          const weights = new Float32Array(B * P);
          for (let r = 0; r < B; r++) weights.fill(1, r * P, r * P + (d.numPredictions[r] as number));
          const [logits, lab, w] = tf.tidy(() => {
            const o = model.forward(
              {
                inputIds: tf.tensor2d(d.inputIds, [B, d.seqLength], 'int32'), // [B, L]
                attentionMask: tf.tensor2d(d.attentionMask, [B, d.seqLength], 'int32'), // [B, L]
                tokenTypeIds: tf.tensor2d(d.tokenTypeIds, [B, d.seqLength], 'int32'), // [B, L]
                maskedPositions: tf.tensor2d(d.maskedPositions, [B, P], 'int32'), // [B, P]
              },
              { ctx: ForwardContext.eval() },
            );
            return [
              tf.reshape(o.logits, [B * P, cfg.vocabSize]) as tf.Tensor2D, // [B·P, V]
              tf.tensor1d(labels, 'int32'), // [B·P]
              tf.tensor1d(weights), // [B·P]
            ] as const;
          });
          acc.add(await maskedLmStats(logits, lab, w));
          tf.dispose([logits, lab, w]);
        }
        return acc.result();
      }
    : undefined;

  const onWasm = tf.getBackend() === 'wasm';
  const trainer = new Trainer<PretrainBatch>({
    model,
    lossFn,
    trainData: data.train,
    ...(evaluate ? { evaluate } : {}),
    optimizer: { beta1: t.beta1, beta2: t.beta2, epsilon: t.epsilon, weightDecay: t.weightDecay },
    schedule: {
      kind: t.scheduler,
      peakLearningRate: t.learningRate,
      ...(t.warmupRatio !== undefined
        ? { warmupRatio: t.warmupRatio }
        : { warmupSteps: Math.min(t.warmupSteps, maxSteps) }),
      alpha: t.cosineAlpha,
    },
    maxSteps,
    gradientAccumulationSteps: t.gradientAccumulationSteps,
    ...(t.maxGradNorm > 0 ? { maxGradNorm: t.maxGradNorm } : {}),
    seed: t.seed,
    outputDir: outDir,
    loggingSteps: t.loggingSteps,
    evalSteps: t.evalSteps,
    saveSteps: t.saveSteps,
    saveTotalLimit: t.saveTotalLimit,
    saveModel: (dir) => savePretrained(model, dir, { tokenizerFiles: tokFiles }),
    loadModel: async (dir) => {
      await loadWeights(model, dir, { logger: () => {} });
    },
    flopsPerToken: flops.total,
    peakFlops: peak,
    progress: 'auto',
    // SIGINT/SIGTERM (handled by the trainer; under the launcher of main.ts answered at once): finish the step,
    // save a checkpoint, return with stopReason 'signal'; a second one stops now.
    onStep: (info) => {
      if (info.step === startStep + 1 && info.seconds !== undefined) {
        const m = measuredEstimate({
          stepSeconds: info.seconds,
          remainingSteps: maxSteps - info.step,
          memoryBytes: wasmHeapBytes() ?? process.memoryUsage().rss,
        });
        io.log(m.line);
        if (m.warning) io.log(m.warning);
      }
      if (onWasm) assertWasmHeapBelow(0.9);
      return undefined;
    },
  });
  let result: TrainResult;
  try {
    if (resumeDir) await trainer.resumeFromCheckpoint(resumeDir);
    result = await trainer.train();
  } catch (e) {
    io.log(`pretrain: error: ${(e as Error).message}`);
    if (process.env.BIGS_DEBUG) io.log((e as Error).stack ?? '');
    trainer.optimizer.dispose();
    data.close();
    return 1;
  }
  trainer.optimizer.dispose();
  data.close();

  // --- final model (loadable by finetune/analysis), args and results
  await savePretrained(model, outDir, { tokenizerFiles: tokFiles });
  await writeFileAtomic(
    join(outDir, 'training_args.json'),
    `${JSON.stringify({ ...run.training, maxSteps, preset: run.presetName, model_config_file: run.modelConfigFile, flags }, null, 2)}\n`,
  );
  const records = readMetrics(join(outDir, 'metrics.jsonl'));
  const losses = records.filter((r) => typeof r.loss === 'number' && r.event === undefined);
  const evals = records.filter((r) => typeof r.eval_loss === 'number');
  const lastEval = evals[evals.length - 1];
  if (lastEval) {
    const ev = Object.fromEntries(
      Object.entries(lastEval).filter(([k]) => k === 'step' || k.startsWith('eval_')),
    );
    await writeFileAtomic(join(outDir, 'eval_results.json'), `${JSON.stringify(ev, null, 2)}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const heap = wasmHeapBytes();
  const first = losses[0];
  const last = losses[losses.length - 1];
  io.out(
    [
      `pretrain: ${result.stopReason} at step ${result.globalStep}/${maxSteps} in ${seconds.toFixed(1)} s` +
        (heap !== null ? ` (wasm heap ${(heap / 2 ** 30).toFixed(2)} GiB)` : ''),
      first && last
        ? `  train loss ${(first.loss as number).toFixed(4)} (step ${first.step}) → ${(last.loss as number).toFixed(4)} (step ${last.step})`
        : '  no training steps logged',
      lastEval
        ? `  eval @ step ${lastEval.step}: loss ${(lastEval.eval_loss as number).toFixed(4)}, accuracy ${((lastEval.eval_accuracy as number) * 100).toFixed(2)} %, perplexity ${(lastEval.eval_perplexity as number).toFixed(2)}`
        : '  no evaluation',
      `  model: ${outDir}/{config.json, model.safetensors, vocab.txt, tokenizer.json}; checkpoints: ${result.lastCheckpoint ?? 'none'}`,
      `  metrics: ${join(outDir, 'metrics.jsonl')}, loss curve: ${join(outDir, 'loss_curve.svg')}`,
    ].join('\n'),
  );
  if (result.stopReason === 'signal') {
    io.out(
      `  stopped by ${result.signal}; continue with the same command (or --resume-from-checkpoint latest)`,
    );
    return result.signal === 'SIGTERM' ? 143 : 130;
  }
  return 0;
}
