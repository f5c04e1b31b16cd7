import { BiGSForMaskedLM, configFromJSON } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import type { Cell } from './cells.js';

/** The shared shape of the four cells; only the GATED cells' intermediate size is solved for. */
export interface ModelSize {
  hiddenSize: number;
  numHiddenLayers: number;
  /** STACK cells' MLP width (4·H, as BERT). */
  stackIntermediateSize: number;
  /** S4D modes N of the SSM cells. */
  numSsm: number;
  /** Heads of the attention cells. */
  numAttentionHeads: number;
  /** Vocabulary (the embedded tokenizer's) and positions (= the pretraining length) for counting parameters. */
  vocabSize: number;
  maxPositionEmbeddings: number;
}

/** One cell's `config.json` (snake_case, as `pnpm pretrain --model-config FILE` reads it) and its size. */
export interface CellModel {
  config: Record<string, unknown>;
  /** All parameters of the masked-LM model (embeddings, encoder, MLM head). */
  parameters: number;
  /** Encoder parameters only (all minus the same model with 0 layers). */
  encoderParameters: number;
}

/** The config.json of a cell with intermediate size `intermediate`. Dropout off: short runs underfit. */
export function cellConfig(cell: Cell, size: ModelSize, intermediate: number): Record<string, unknown> {
  return {
    hidden_size: size.hiddenSize,
    num_hidden_layers: size.numHiddenLayers,
    intermediate_size: intermediate,
    type_vocab_size: 2,
    block_architecture: cell.blockArchitecture,
    routing: cell.routing,
    ...(cell.routing === 'bissm'
      ? { num_ssm: size.numSsm }
      : { num_attention_heads: size.numAttentionHeads }),
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
  };
}

/** Parameters of the masked-LM model a config.json describes (built on the cpu backend, then disposed). */
export async function countParameters(config: Record<string, unknown>, size: ModelSize): Promise<number> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const cfg = configFromJSON({
    vocab_size: size.vocabSize,
    max_position_embeddings: size.maxPositionEmbeddings,
    ...config,
  });
  const model = new BiGSForMaskedLM(cfg);
  try {
    return model.numParameters();
  } finally {
    model.dispose();
  }
}

/**
 * Size the four cells to the same parameter count: every cell has the same H, depth and vocabulary; the STACK
 * cells use I = `stackIntermediateSize`, and each GATED cell gets the multiple of 8 for I whose total is
 * closest to the STACK cell with the same routing (parameters are linear in I, so two counts solve it).
 */
export async function matchCells(
  cells: readonly Cell[],
  size: ModelSize,
): Promise<Map<Cell['id'], CellModel>> {
  const out = new Map<Cell['id'], CellModel>();
  for (const cell of cells) {
    let intermediate = size.stackIntermediateSize;
    if (cell.blockArchitecture === 'gated') {
      const stack = cellConfig({ ...cell, blockArchitecture: 'stack' }, size, size.stackIntermediateSize);
      const target = await countParameters(stack, size);
      const at8 = await countParameters(cellConfig(cell, size, 8), size);
      const at16 = await countParameters(cellConfig(cell, size, 16), size);
      const perUnit = (at16 - at8) / 8; // parameters per unit of I
      intermediate = Math.max(8, Math.round((8 + (target - at8) / perUnit) / 8) * 8);
    }
    const config = cellConfig(cell, size, intermediate);
    const parameters = await countParameters(config, size);
    const embeddingsOnly = await countParameters({ ...config, num_hidden_layers: 0 }, size);
    out.set(cell.id, { config, parameters, encoderParameters: parameters - embeddingsOnly });
  }
  return out;
}

/** Largest relative difference of the counts from their mean (0.01 = 1 %). */
export function parameterSpread(counts: readonly number[]): number {
  if (counts.length === 0) return 0;
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return Math.max(...counts.map((c) => Math.abs(c - mean) / mean));
}
