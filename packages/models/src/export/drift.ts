import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig } from '../config/config.js';
import type { HeadType } from '../model/bigs-model.js';
import { type AnyBiGSModel, createModel } from '../model/head-models.js';

/** Largest absolute output differences between two computations of the same weights on one probe batch. */
export interface Drift {
  /** max |Δ| of the last hidden state (over the probe's real tokens). */
  hidden: number;
  /** max |Δ| of the head's output (logits; start/end logits for QA); equals `hidden` for a bare model. */
  logits: number;
  /** The probe batch: rows × tokens, and the length the target ran at (P when it pads to P). */
  probe: { rows: number; tokens: number; targetLength: number };
}

/** Per-token (`[B, L, …]`) and per-sequence outputs of one forward pass. */
interface ProbeOutputs {
  hidden: tf.Tensor; // [B, L, H]
  head: tf.Tensor; // [B, L, …] (perToken) or [B, …]
  perToken: boolean;
}

/**
 * Deterministic probe ids `[rows, tokens]`: tokens 1..V−1 (never padding) from a fixed linear congruential sequence,
 * so every run measures the same batch.
 */
export function probeIds(config: BiGSConfig, rows: number, tokens: number): number[][] {
  let s = 12345;
  const V = config.vocabSize;
  const pad = config.padTokenId;
  return Array.from({ length: rows }, () =>
    Array.from({ length: tokens }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const id = 1 + ((s >>> 8) % Math.max(1, V - 1));
      return id === pad ? (pad + 1) % V : id;
    }),
  );
}

function runProbe(model: AnyBiGSModel, ids: number[][], realTokens: number): ProbeOutputs {
  const rows = ids.length;
  const L = ids[0]!.length;
  const inputIds = tf.tensor2d(ids, [rows, L], 'int32'); // [B, L]
  const mask = tf.tensor2d(
    ids.map((r) => r.map((_, j) => (j < realTokens ? 1 : 0))),
    [rows, L],
    'int32',
  ); // [B, L]
  const inputs = { inputIds, attentionMask: mask };
  switch (model.headType) {
    case 'multiple-choice': {
      const out = model.forward({ inputIds: inputIds.expandDims(1), attentionMask: mask.expandDims(1) }); // [B, 1, L]
      return { hidden: out.lastHiddenState, head: out.logits, perToken: false };
    }
    case 'question-answering': {
      const out = model.forward(inputs);
      return {
        hidden: out.lastHiddenState,
        head: tf.stack([out.startLogits, out.endLogits], 2),
        perToken: true,
      }; // [B, L, 2]
    }
    case 'base': {
      const out = model.forward(inputs);
      return { hidden: out.lastHiddenState, head: out.lastHiddenState, perToken: true };
    }
    case 'sequence-classification': {
      const out = model.forward(inputs);
      return { hidden: out.lastHiddenState, head: out.logits, perToken: false };
    }
    default: {
      const out = model.forward(inputs); // masked-lm, token-classification
      return { hidden: out.lastHiddenState, head: out.logits, perToken: true };
    }
  }
}

function maxAbs(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.max(tf.abs(tf.sub(a, b))) as tf.Scalar; // []
}

/**
 * Run the same weights under two configs on a probe batch and measure how far the outputs drift. `target` is the
 * config the other code computes with (see `targetConfig`); when it requires inputs of length P
 * (`kernel_length: max_position`) and ours does not, the probe holds P/2 real tokens that the target sees padded
 * to P, as it would be fed in practice; only the real tokens are compared.
 *
 * @example
 * await measureDrift(model, targetConfig(model.config, model.headType, 'pytorch')); // { hidden: 9e-4, logits: 4e-4, … }
 */
export async function measureDrift(model: AnyBiGSModel, target: BiGSConfig, rows = 2): Promise<Drift> {
  const P = model.config.maxPositionEmbeddings;
  const oursAtP = model.config.kernelLength === 'max_position';
  const tokens = oursAtP ? P : Math.max(1, Math.min(64, Math.floor(P / 2)));
  const targetLength = target.kernelLength === 'max_position' ? P : tokens;
  const ids = probeIds(model.config, rows, tokens);
  const padded = ids.map((r) => [...r, ...Array(targetLength - tokens).fill(model.config.padTokenId)]);
  const other = createModel(target, model.headType as HeadType, { seed: 0 });
  try {
    const params = model.parameterMap();
    tf.tidy(() => {
      for (const [name, p] of other.parameterMap()) p.variable.assign(params.get(name)!.variable);
    });
    const maxes = tf.tidy(() => {
      const a = runProbe(model, ids, tokens);
      const b = runProbe(other, padded, tokens);
      const cut = (t: tf.Tensor) => (targetLength === tokens ? t : tf.slice(t, [0, 0], [-1, tokens]));
      const hidden = maxAbs(a.hidden, cut(b.hidden));
      const logits = maxAbs(a.head, a.perToken ? cut(b.head) : b.head);
      return tf.stack([hidden, logits]); // [2]
    });
    // Read asynchronously: backends without synchronous reads (webgpu in Node) work too.
    const [hidden, logits] = Array.from(await maxes.data());
    maxes.dispose();
    return { hidden: hidden!, logits: logits!, probe: { rows, tokens, targetLength } };
  } finally {
    other.dispose();
  }
}
