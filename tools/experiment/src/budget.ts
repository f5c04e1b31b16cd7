import type { ModelSize } from './sizes.js';

/** Pretraining recipe shared by every cell (the same schedule, batch and token budget). */
export interface PretrainSettings {
  maxSteps: number;
  seqLength: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  cosineAlpha: number;
  weightDecay: number;
  beta2: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
  maxEvalSamples: number;
}

/** Finetuning recipe shared by every cell and task. */
export interface FinetuneSettings {
  learningRate: number;
  numTrainEpochs: number;
  batchSize: number;
  /** Cap on training examples per task (the first N, as HF's flag). */
  maxTrainSamples: number;
  /** Cap on evaluation examples per split. */
  maxEvalSamples: number;
  maxSeqLength: number;
}

/** A named size of the experiment: model shape and both recipes. */
export interface Budget {
  name: string;
  model: Omit<ModelSize, 'vocabSize' | 'maxPositionEmbeddings'>;
  pretrain: PretrainSettings;
  finetune: FinetuneSettings;
}

const RECIPE = { learningRate: 2e-3, cosineAlpha: 0.1, weightDecay: 0.05, beta2: 0.98 };

/**
 * The budgets. `small` is what a shared 2-core CPU did in about 40 minutes for the whole 2×2 (one seed); `medium`
 * and `large` are for faster machines. Every cell of one budget gets exactly the same tokens and schedule.
 */
export const BUDGETS: Readonly<Record<string, Budget>> = {
  small: {
    name: 'small',
    model: {
      hiddenSize: 128,
      numHiddenLayers: 2,
      stackIntermediateSize: 512,
      numSsm: 32,
      numAttentionHeads: 4,
    },
    pretrain: {
      ...RECIPE,
      learningRate: 3e-3,
      maxSteps: 200,
      seqLength: 64,
      batchSize: 32,
      warmupSteps: 20,
      loggingSteps: 10,
      evalSteps: 50,
      saveSteps: 50,
      maxEvalSamples: 256,
    },
    finetune: {
      learningRate: 5e-4,
      numTrainEpochs: 1,
      batchSize: 16,
      maxTrainSamples: 500,
      maxEvalSamples: 300,
      maxSeqLength: 64,
    },
  },
  medium: {
    name: 'medium',
    model: {
      hiddenSize: 256,
      numHiddenLayers: 4,
      stackIntermediateSize: 1024,
      numSsm: 64,
      numAttentionHeads: 4,
    },
    pretrain: {
      ...RECIPE,
      learningRate: 1e-3,
      maxSteps: 5000,
      seqLength: 128,
      batchSize: 64,
      warmupSteps: 250,
      loggingSteps: 20,
      evalSteps: 500,
      saveSteps: 250,
      maxEvalSamples: 512,
    },
    finetune: {
      learningRate: 2e-4,
      numTrainEpochs: 3,
      batchSize: 16,
      maxTrainSamples: 20000,
      maxEvalSamples: 2000,
      maxSeqLength: 128,
    },
  },
  large: {
    name: 'large',
    model: {
      hiddenSize: 512,
      numHiddenLayers: 8,
      stackIntermediateSize: 2048,
      numSsm: 64,
      numAttentionHeads: 8,
    },
    pretrain: {
      ...RECIPE,
      learningRate: 6e-4,
      maxSteps: 50000,
      seqLength: 128,
      batchSize: 128,
      warmupSteps: 2000,
      loggingSteps: 50,
      evalSteps: 2000,
      saveSteps: 1000,
      maxEvalSamples: 2048,
    },
    finetune: {
      learningRate: 1e-4,
      numTrainEpochs: 3,
      batchSize: 16,
      maxTrainSamples: 100000,
      maxEvalSamples: 10000,
      maxSeqLength: 128,
    },
  },
};

/**
 * The budget `--budget NAME`, with `--max-steps N` replacing its pretraining steps (warmup, logging, eval and save
 * intervals shrink to fit a short run).
 *
 * @example
 * resolveBudget('small', 4).pretrain.maxSteps; // 4
 */
export function resolveBudget(name: string, maxSteps?: number): Budget {
  const base = BUDGETS[name];
  if (!base) throw new Error(`--budget: unknown budget "${name}"; known: ${Object.keys(BUDGETS).join(', ')}`);
  if (maxSteps === undefined) return base;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new Error(`--max-steps: ${maxSteps} is not an integer >= 1`);
  }
  const p = base.pretrain;
  const clampToRun = (n: number) => Math.max(1, Math.min(n, maxSteps));
  return {
    ...base,
    pretrain: {
      ...p,
      maxSteps,
      warmupSteps: Math.min(p.warmupSteps, Math.floor(maxSteps / 10)),
      loggingSteps: clampToRun(p.loggingSteps),
      evalSteps: clampToRun(p.evalSteps),
      saveSteps: clampToRun(p.saveSteps),
    },
  };
}
