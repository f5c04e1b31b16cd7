import { BERT_BASE, BIGS_LARGE, type BiGSConfig } from '@bigs/models';
import type { SCHEDULERS } from './flags.js';

/** Training settings a preset supplies (each overridable by its flag). */
export interface TrainingDefaults {
  maxSteps: number;
  seqLength: number;
  batchSize: number;
  gradientAccumulationSteps: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  warmupSteps: number;
  scheduler: (typeof SCHEDULERS)[number];
  cosineAlpha: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
  saveTotalLimit: number;
  /** Cap on held-out sequences per evaluation (undefined: all). */
  maxEvalSamples?: number;
}

/** A named model + recipe. */
export interface Preset {
  name: string;
  summary: string;
  /** Model config overrides (camelCase). `vocabSize` comes from the tokenizer; `maxPositionEmbeddings` from L. */
  model: Partial<BiGSConfig>;
  training: TrainingDefaults;
  /** For continuation presets: the shorter length the starting checkpoint is expected to have. */
  continuesFrom?: number;
}

/**
 * The official recipe (`jxiw/BiGS:pretrain.md`, docs/guide/architecture.md#pretraining-recipe): AdamW β = (0.9, 0.98), ε = 1e-6, weight decay 0.05,
 * peak 6e-4, 2k warmup, cosine to 0.1×, 100k steps of 1048 × 128 tokens (8 TPU cores × 131). On one device the
 * batch is kept by accumulation: 8 sequences × 131 micro-batches = 1048.
 */
const OFFICIAL: TrainingDefaults = {
  maxSteps: 100_000,
  seqLength: 128,
  batchSize: 8,
  gradientAccumulationSteps: 131,
  learningRate: 6e-4,
  beta1: 0.9,
  beta2: 0.98,
  epsilon: 1e-6,
  weightDecay: 0.05,
  warmupSteps: 2000,
  scheduler: 'cosine',
  cosineAlpha: 0.1,
  loggingSteps: 10,
  evalSteps: 1000,
  saveSteps: 1000,
  saveTotalLimit: 3,
  maxEvalSamples: 2048,
};

/** The paper's BiGS: 23 GATED blocks, H = 1024, I = 3072, N = 64 (docs/guide/architecture.md#config-keys), bigs-ts semantics (any L ≤ P). */
const BIGS_MODEL: Partial<BiGSConfig> = {
  hiddenSize: BIGS_LARGE.hiddenSize!,
  numHiddenLayers: BIGS_LARGE.numHiddenLayers!,
  intermediateSize: BIGS_LARGE.intermediateSize!,
  numSsm: BIGS_LARGE.numSsm!,
  blockArchitecture: 'gated',
  routing: 'bissm',
};

/**
 * The tiny default: sized so `pnpm pretrain` with no flags finishes in about six minutes on a 2-core CPU with the
 * native engine (about 5.7k tokens/s) and ends clearly below the unigram level of the corpus — the held-out
 * masked-LM loss sits at the unigram baseline until about step 150, then the model learns to use context (see
 * the README for the measured run and the candidates tried). Dropout is off: a few hundred steps underfit,
 * dropout would only slow the visible learning.
 */
const TINY: Preset = {
  name: 'tiny',
  summary:
    'BiGS H=128, 2 layers, I=384, N=64, L=128, embedded 8k vocab; 900 steps of 16 × 128 tokens (1.8 M), lr 3e-3',
  model: {
    hiddenSize: 128,
    numHiddenLayers: 2,
    intermediateSize: 384,
    numSsm: 64,
    hiddenDropoutProb: 0,
    blockArchitecture: 'gated',
    routing: 'bissm',
  },
  training: {
    maxSteps: 900,
    seqLength: 128,
    batchSize: 16,
    gradientAccumulationSteps: 1,
    learningRate: 3e-3,
    beta1: 0.9,
    beta2: 0.98,
    epsilon: 1e-6,
    weightDecay: 0.05,
    warmupSteps: 50,
    scheduler: 'cosine',
    cosineAlpha: 0.1,
    loggingSteps: 25,
    evalSteps: 300,
    saveSteps: 300,
    saveTotalLimit: 2,
    maxEvalSamples: 128,
  },
};

/** Every preset by name. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  tiny: TINY,
  'bigs-128': {
    name: 'bigs-128',
    summary: 'the paper’s BiGS (23 layers, H=1024, I=3072, N=64) at L=128 with the official 100k-step recipe',
    model: BIGS_MODEL,
    training: OFFICIAL,
  },
  'bigs-512': {
    name: 'bigs-512',
    summary:
      'BiGS continued at L=512 from a 128 checkpoint (--model-name-or-path); same tokens per step (2 × 131 × 512)',
    model: BIGS_MODEL,
    training: { ...OFFICIAL, seqLength: 512, batchSize: 2, gradientAccumulationSteps: 131 },
    continuesFrom: 128,
  },
  'bigs-4096': {
    name: 'bigs-4096',
    summary:
      'BiGS continued at L=4096 from a shorter checkpoint (--model-name-or-path); 1 × 32 × 4096 tokens per step',
    model: BIGS_MODEL,
    training: { ...OFFICIAL, seqLength: 4096, batchSize: 1, gradientAccumulationSteps: 32 },
    continuesFrom: 512,
  },
  'bigs-base': {
    name: 'bigs-base',
    summary: 'BERT-base-sized BiGS (12 layers, H=768, I=3072, N=64), official optimizer, L=128',
    model: { ...BIGS_MODEL, hiddenSize: 768, numHiddenLayers: 12 },
    training: OFFICIAL,
  },
  'bert-base': {
    name: 'bert-base',
    summary:
      'BERT-base baseline (STACK + attention, 12 layers, H=768, 12 heads, post-norm) with BERT’s recipe (lr 1e-4, linear, 10k warmup, batch 256)',
    model: {
      hiddenSize: BERT_BASE.hiddenSize!,
      numHiddenLayers: BERT_BASE.numHiddenLayers!,
      intermediateSize: BERT_BASE.intermediateSize!,
      numAttentionHeads: BERT_BASE.numAttentionHeads!,
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      blockGelu: 'erf',
      poolerType: 'first_token',
      modelType: 'bert',
    },
    training: {
      ...OFFICIAL,
      maxSteps: 1_000_000,
      batchSize: 8,
      gradientAccumulationSteps: 32,
      learningRate: 1e-4,
      beta2: 0.999,
      weightDecay: 0.01,
      warmupSteps: 10_000,
      scheduler: 'linear',
    },
  },
};

/** Look up a preset; unknown names throw listing the known ones. */
export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p)
    throw new Error(
      `--model-config: unknown preset "${name}" (presets: ${Object.keys(PRESETS).join(', ')}; or a config.json path)`,
    );
  return p;
}
