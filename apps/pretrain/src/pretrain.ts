import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorLine, exitCodeOf } from '@bigs/cli-kit';
import type { BertTokenizer } from '@bigs/data';
import { type BiGSForMaskedLM, loadWeights, savePretrained } from '@bigs/models';
import {
  assertWasmHeapBelow,
  describeWebgpuAdapter,
  type EngineInfo,
  initEngine,
  wasmHeapBytes,
} from '@bigs/ssm-kernels';
import { measuredEstimate, prepareRunDir, Trainer, type TrainResult } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { type PretrainBatch, prepareData } from './data.js';
import { type FlagValues, helpText, resolveFlags } from './flags.js';
import { learningReportText } from './learning-report.js';
import { buildModel, loadRunTokenizer, tokenizerFiles } from './model-setup.js';
import { mlmEvaluate, mlmLoss } from './objective.js';
import { summaryLines, writeRunOutputs } from './outputs.js';
import { planRun, type RunPlan } from './plan.js';
import { num, type ResolvedRun, resolveRun } from './resolve-run.js';

export { type ResolvedRun, resolveRun } from './resolve-run.js';

/** Where the app writes: progress/log lines (stderr) and the final summary (stdout). */
export interface RunIO {
  log(line: string): void;
  out(line: string): void;
}

const defaultIO: RunIO = {
  log: (l) => process.stderr.write(`${l}\n`),
  out: (l) => process.stdout.write(`${l}\n`),
};

type PreparedData = Awaited<ReturnType<typeof prepareData>>;

/**
 * Run `pnpm pretrain` with these arguments. Returns the exit code: 0 done, 2 a usage error (a flag, `--config`,
 * the output dir or a checkpoint to resume), 1 the run failed, 130/143 stopped by SIGINT/SIGTERM after saving a
 * checkpoint. Errors are one line, `pretrain: error: …`.
 */
export async function runPretrain(argv: readonly string[], io: RunIO = defaultIO): Promise<number> {
  try {
    const parsed = resolveFlags(argv);
    if (parsed.help) {
      io.out(helpText());
      return 0;
    }
    for (const note of parsed.notes) io.log(`note: ${note}`);
    return await pretrain(parsed.flags, io);
  } catch (e) {
    io.log(errorLine('pretrain', e));
    if (process.env.BIGS_DEBUG) io.log((e as Error).stack ?? '');
    return exitCodeOf(e);
  }
}

/** Start the tensor engine of `--backend` and log what it is. */
async function startEngine(flags: FlagValues, log: (line: string) => void): Promise<EngineInfo> {
  const backend = (flags.backend as 'auto' | undefined) ?? 'auto';
  let engine: EngineInfo;
  try {
    const threads = num(flags, 'threads');
    engine = await initEngine({ backend, ...(threads !== undefined ? { threads } : {}), quiet: true });
  } catch (e) {
    throw new Error(`--backend ${backend}: ${(e as Error).message}`);
  }
  log(
    `engine: ${engine.variant} (${engine.package}@${engine.version}, ${engine.threads} thread(s)${engine.blas ? `, BLAS ${engine.blas.name}` : ''}${engine.adapter ? `, adapter ${describeWebgpuAdapter(engine.adapter)}` : ''})${engine.notes.length ? ` — ${engine.notes.join('; ')}` : ''}`,
  );
  return engine;
}

/** Tokenize (or reuse) the training and evaluation data of the run. */
function loadData(run: ResolvedRun, tok: BertTokenizer, log: (line: string) => void): Promise<PreparedData> {
  const { flags, training: t } = run;
  return prepareData({
    ...(flags['train-files'] ? { trainFiles: flags['train-files'] as string[] } : {}),
    ...(flags.corpus ? { corpus: flags.corpus as string[] } : {}),
    ...(flags['validation-files'] ? { validationFiles: flags['validation-files'] as string[] } : {}),
    validationSplitPercentage: num(flags, 'validation-split-percentage') ?? 5,
    ...(flags['allow-invalid-utf8'] ? { invalidUtf8: 'replace' as const } : {}),
    seqLength: t.seqLength,
    seed: t.seed,
    dataDir: join(run.outputDir, 'data'),
    tokenizer: tok,
    masking: {
      maskProb: num(flags, 'mlm-probability') ?? 0.15,
      wholeWord: Boolean(flags['whole-word-mask']),
    },
    batchSize: t.batchSize,
    evalBatchSize: t.evalBatchSize,
    ...(t.maxEvalSamples !== undefined ? { maxEvalSamples: t.maxEvalSamples } : {}),
    log,
  });
}

/** The whole run after the flags are parsed: run dir, engine, tokenizer, model, data, plan, training, outputs. */
async function pretrain(flags: FlagValues, io: RunIO): Promise<number> {
  const t0 = performance.now();
  const run = resolveRun(flags);
  const resumeDir = await prepareRunDir({
    outputDir: run.outputDir,
    overwrite: Boolean(flags['overwrite-output-dir']),
    resumeFrom: flags['resume-from-checkpoint'] as string | undefined,
    log: io.log,
  });
  const engine = await startEngine(flags, io.log);
  const tok = await loadRunTokenizer(flags, resumeDir);
  const tokFiles = await tokenizerFiles(tok);
  const model = await buildModel(run, tok, resumeDir, io.log);
  let data: PreparedData;
  try {
    data = await loadData(run, tok, io.log);
  } catch (e) {
    model.dispose();
    throw e;
  }
  let plan: RunPlan;
  let result: TrainResult;
  try {
    plan = await planRun(run, model, data, engine, resumeDir, io.log);
    result = await train(run, model, data, plan, { resumeDir, tokFiles, log: io.log });
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    data.close();
  }
  const records = await writeRunOutputs(run, model, tokFiles, plan.maxSteps);
  const seconds = (performance.now() - t0) / 1000;
  io.out(summaryLines(run.outputDir, result, plan.maxSteps, seconds, records).join('\n'));
  if (result.stopReason !== 'signal')
    io.out(await learningReportText(model, tok, data, mlmEvaluate(model, data), run.outputDir));
  if (result.stopReason === 'signal') return result.exitCode ?? 143;
  return 0;
}

/** Build the Trainer of the run, resume it when asked, and train. */
async function train(
  run: ResolvedRun,
  model: BiGSForMaskedLM,
  data: PreparedData,
  plan: RunPlan,
  o: { resumeDir: string | null; tokFiles: Record<string, Uint8Array>; log: (line: string) => void },
): Promise<TrainResult> {
  const t = run.training;
  const evaluate = mlmEvaluate(model, data);
  const onWasm = tf.getBackend() === 'wasm';
  const trainer = new Trainer<PretrainBatch>({
    model,
    lossFn: mlmLoss(model),
    trainData: data.train,
    ...(evaluate ? { evaluate } : {}),
    optimizer: { beta1: t.beta1, beta2: t.beta2, epsilon: t.epsilon, weightDecay: t.weightDecay },
    schedule: {
      kind: t.scheduler,
      peakLearningRate: t.learningRate,
      ...(t.warmupRatio !== undefined
        ? { warmupRatio: t.warmupRatio }
        : { warmupSteps: Math.min(t.warmupSteps, plan.maxSteps) }),
      alpha: t.cosineAlpha,
    },
    maxSteps: plan.maxSteps,
    gradientAccumulationSteps: t.gradientAccumulationSteps,
    ...(t.maxGradNorm > 0 ? { maxGradNorm: t.maxGradNorm } : {}),
    seed: t.seed,
    outputDir: run.outputDir,
    loggingSteps: t.loggingSteps,
    evalSteps: t.evalSteps,
    saveSteps: t.saveSteps,
    saveTotalLimit: t.saveTotalLimit,
    saveModel: (dir) => savePretrained(model, dir, { tokenizerFiles: o.tokFiles }),
    loadModel: async (dir) => {
      await loadWeights(model, dir, { logger: () => {} });
    },
    flopsPerToken: plan.flopsPerToken,
    peakFlops: plan.peakFlops,
    progress: 'auto',
    // SIGINT/SIGTERM (handled by the trainer; under the launcher of main.ts answered at once): finish the step,
    // save a checkpoint, return with stopReason 'signal'; a second one stops now.
    onStep: (info) => {
      if (info.step === plan.startStep + 1 && info.seconds !== undefined) {
        const m = measuredEstimate({
          stepSeconds: info.seconds,
          remainingSteps: plan.maxSteps - info.step,
          memoryBytes: wasmHeapBytes() ?? process.memoryUsage().rss,
        });
        o.log(m.line);
        if (m.warning) o.log(m.warning);
      }
      if (onWasm) assertWasmHeapBelow(0.9);
      return undefined;
    },
  });
  try {
    if (o.resumeDir) await trainer.resumeFromCheckpoint(o.resumeDir);
    return await trainer.train();
  } finally {
    trainer.optimizer.dispose();
  }
}
