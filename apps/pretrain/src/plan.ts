import type { BiGSForMaskedLM } from '@bigs/models';
import type { EngineInfo } from '@bigs/ssm-kernels';
import { checkpointStep, checkRunEstimate, estimateRun, stepsForEpochs } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import type { prepareData } from './data.js';
import { measurePeakFlops, statedPeakFlops, trainingFlopsPerToken } from './flops.js';
import { countParams } from './model-setup.js';
import { num, type ResolvedRun } from './resolve-run.js';

type PreparedData = Awaited<ReturnType<typeof prepareData>>;

/** What the run will do: its step count, the FLOP count per token and the peak used for MFU. */
export interface RunPlan {
  maxSteps: number;
  /** The step a resumed run starts after (0 for a fresh run). */
  startStep: number;
  flopsPerToken: number;
  peakFlops: number;
}

/** `1.23 M`-style numbers for log lines. */
export const fmtNum = (x: number) =>
  x >= 1e9
    ? `${(x / 1e9).toFixed(2)} G`
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} M`
      : `${(x / 1e3).toFixed(1)} k`;

/** Optimizer steps: `--max-steps` (or the preset's), or `--num-train-epochs` by the one epoch → step rule. */
export function planSteps(run: ResolvedRun, data: PreparedData): number {
  const t = run.training;
  if (t.numTrainEpochs === undefined) return t.maxSteps;
  return stepsForEpochs(t.numTrainEpochs, data.train.numBatches?.() ?? 1, t.gradientAccumulationSteps);
}

/**
 * Plan the run and log it (model, data, optimizer, MFU formula, the time/memory estimate). Throws when the
 * estimate says a step cannot fit in memory (naming the flags to lower).
 */
export async function planRun(
  run: ResolvedRun,
  model: BiGSForMaskedLM,
  data: PreparedData,
  engine: EngineInfo,
  resumeDir: string | null,
  log: (line: string) => void,
): Promise<RunPlan> {
  const t = run.training;
  const cfg = model.config;
  const maxSteps = planSteps(run, data);
  const shapes = model.namedParameters().map(([n, p]) => [n, [...p.variable.shape]] as [string, number[]]);
  const flops = trainingFlopsPerToken(
    { config: cfg, parameterShapes: shapes },
    t.seqLength,
    data.predictedFraction,
  );
  let peak = num(run.flags, 'peak-flops') ?? statedPeakFlops(engine.variant, engine.threads);
  let peakHow = run.flags['peak-flops'] !== undefined ? '--peak-flops' : 'stated for this backend';
  if (peak === null) {
    peak = await measurePeakFlops(1024);
    peakHow = 'measured: 1024² matmul';
  }
  log(
    `model: ${run.modelConfigFile ?? run.presetName} — ${cfg.blockArchitecture.toUpperCase()} + ${cfg.routing}, ` +
      `${cfg.numHiddenLayers} layers, H=${cfg.hiddenSize}, I=${cfg.intermediateSize}, N=${cfg.numSsm}, V=${cfg.vocabSize}, ` +
      `P=${cfg.maxPositionEmbeddings}; ${fmtNum(countParams(model))} parameters`,
  );
  log(`data: ${data.description}`);
  log(
    `train: ${maxSteps} steps × ${t.batchSize}×${t.gradientAccumulationSteps} sequences × ${t.seqLength} tokens; ` +
      `AdamW lr ${t.learningRate} β=(${t.beta1}, ${t.beta2}) ε=${t.epsilon} wd=${t.weightDecay}; ` +
      `${t.scheduler} schedule, warmup ${t.warmupRatio !== undefined ? `${t.warmupRatio}×steps` : t.warmupSteps}`,
  );
  log(
    `MFU: ${fmtNum(flops.total)}FLOP/token (6·dense ${fmtNum(3 * flops.denseFwd)}, mixing ${fmtNum(3 * flops.mixingFwd)}, head ${fmtNum(3 * flops.headFwd)}) ÷ peak ${fmtNum(peak)}FLOP/s (${peakHow})`,
  );
  const plan = {
    maxSteps,
    startStep: resumeDir ? (checkpointStep(resumeDir) ?? 0) : 0,
    flopsPerToken: flops.total,
    peakFlops: peak,
  };
  checkEstimate(run, model, data, engine, plan, log);
  return plan;
}

/** Will it finish? Refuse what cannot fit in memory; say so when it takes many hours. */
function checkEstimate(
  run: ResolvedRun,
  model: BiGSForMaskedLM,
  data: PreparedData,
  engine: EngineInfo,
  plan: RunPlan,
  log: (line: string) => void,
): void {
  const t = run.training;
  const cfg = model.config;
  const estimate = checkRunEstimate(
    estimateRun({
      engine: engine.variant,
      parameters: countParams(model),
      hiddenSize: cfg.hiddenSize,
      intermediateSize: cfg.intermediateSize,
      numLayers: cfg.numHiddenLayers,
      headFloatsPerToken: 9 * cfg.vocabSize * data.predictedFraction,
      batchSize: t.batchSize,
      seqLength: t.seqLength,
      gradientAccumulationSteps: t.gradientAccumulationSteps,
      steps: Math.max(0, plan.maxSteps - plan.startStep),
      flopsPerToken: plan.flopsPerToken,
      peakFlops: plan.peakFlops,
      heldBytes: tf.memory().numBytes,
    }),
    {
      batchSize: `--per-device-train-batch-size ${t.batchSize}`,
      batchSizeNote: '(raise --gradient-accumulation-steps to keep the effective batch)',
      seqLength: `--max-seq-length ${t.seqLength}`,
      other: [
        'a smaller model (--model-config)',
        ...(engine.variant.startsWith('wasm') ? ['--backend native (limited by RAM, not a 4 GiB heap)'] : []),
      ],
    },
  );
  for (const line of estimate.lines) log(line);
  if (estimate.warning) log(estimate.warning);
  if (estimate.error) throw new Error(estimate.error);
}
