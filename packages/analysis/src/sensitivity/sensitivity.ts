import { createRng } from '@bigs/common';
import { ForwardContext } from '@bigs/gated-blocks';
import type { AnyBiGSModel, BiGSPreTrainedModel } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { modelBlocks } from '../kernels/extract.js';

/** One tokenised sequence (length L). */
export interface SequenceInput {
  /** [L] token ids. */
  inputIds: ArrayLike<number>;
  /** [L] 1 = real token, 0 = padding (default all 1). Read only by attention routing. */
  attentionMask?: ArrayLike<number>;
  /** [L] segment ids (default 0). */
  tokenTypeIds?: ArrayLike<number>;
}

/** How the Jacobian block norms are computed. */
export type SensitivityMethod = 'exact' | 'projection' | 'auto';

/** Options of {@link sensitivityMap}. */
export interface SensitivityOptions {
  /** Hidden state to differentiate: 0 = embeddings, i = output of block i−1 (HF `hidden_states[i]`); default last. */
  layer?: number;
  /**
   * `exact`: H basis probes per output position (‖J‖_F exactly). `projection`: `numProjections` Gaussian probes
   * v ~ N(0, I_H), ‖J_{t,s}‖_F² ≈ mean_k ‖v_kᵀ J_{t,s}‖² (unbiased for the square; relative std ≈ √(2/k) for the
   * square). `auto` (default): exact when H ≤ 64, else projection.
   */
  method?: SensitivityMethod;
  /** Probes per position for `projection` (default 32). */
  numProjections?: number;
  /** Seed of the Gaussian probes (default 0). */
  seed?: number;
  /** Output positions t (rows); default every real token (mask 1). */
  positions?: readonly number[];
  /** (position, probe) rows per backward pass (default 64). Memory ∝ rows · L · max(H, I). */
  chunkSize?: number;
}

/** A position-to-position sensitivity map of one sequence. */
export interface SensitivityMap {
  /** Output positions (rows), in order. */
  positions: number[];
  /** Sequence length L (columns = input positions 0 … L−1). */
  length: number;
  /** Hidden-state index differentiated (0 = embeddings, numHiddenLayers = last). */
  layer: number;
  method: 'exact' | 'projection';
  /** Probes per row actually used (H for exact). */
  probes: number;
  /** ‖∂h_t/∂e_s‖_F, row-major [positions, L]. */
  raw: Float64Array;
  /** `raw` divided by its row sum (rows sum to 1; an all-zero row stays 0). [positions, L] */
  normalized: Float64Array;
}

function checkSeq(where: string, seq: SequenceInput): number {
  const L = seq.inputIds?.length ?? 0;
  if (L < 1) throw new Error(`${where}: inputIds must be a non-empty array`);
  for (const [name, a] of [
    ['attentionMask', seq.attentionMask],
    ['tokenTypeIds', seq.tokenTypeIds],
  ] as const) {
    if (a !== undefined && a.length !== L)
      throw new Error(`${where}: ${name} must have length ${L}, got ${a.length}`);
  }
  return L;
}

/**
 * The input embeddings e [1, L, H] of a sequence (the embedding module's output, i.e. `hidden_states[0]`, after its
 * LayerNorm; eval mode, no dropout).
 */
export function inputEmbeddings(model: BiGSPreTrainedModel | AnyBiGSModel, seq: SequenceInput): tf.Tensor3D {
  const L = checkSeq('inputEmbeddings', seq);
  const V = model.config.vocabSize;
  for (let i = 0; i < L; i++) {
    const id = seq.inputIds[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new Error(`inputEmbeddings: inputIds[${i}] = ${id} is outside the model vocabulary [0, ${V})`);
    }
  }
  return tf.tidy(() => {
    const ids = tf.tensor2d(Array.from(seq.inputIds), [1, L], 'int32'); // [1, L]
    const types = seq.tokenTypeIds ? tf.tensor2d(Array.from(seq.tokenTypeIds), [1, L], 'int32') : null; // [1, L]
    return model.backbone.embeddings.forward(ids, types, null, ForwardContext.eval()); // [1, L, H]
  });
}

/**
 * Runs blocks 0 … layer−1 on embeddings e [B, L, H] (eval mode): the hidden state `layer`.
 */
export function hiddenFromEmbeddings(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  e: tf.Tensor3D,
  mask: tf.Tensor2D | null,
  layer: number,
): tf.Tensor3D {
  const blocks = modelBlocks(model);
  return tf.tidy(() => {
    let x = e;
    const ctx = ForwardContext.eval();
    for (let i = 0; i < layer; i++) x = blocks[i]!.forward(x, mask, ctx); // [B, L, H]
    return x;
  });
}

/** The checked settings of one {@link sensitivityMap} call. */
interface SensitivitySettings {
  L: number;
  H: number;
  layer: number;
  mask: number[];
  positions: number[];
  method: 'exact' | 'projection';
  probes: number;
  chunk: number;
}

function checkSensitivityOptions(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  seq: SequenceInput,
  options: SensitivityOptions,
): SensitivitySettings {
  const where = 'sensitivityMap';
  const L = checkSeq(where, seq);
  const H = model.config.hiddenSize;
  const numLayers = modelBlocks(model).length;
  const layer = options.layer ?? numLayers;
  if (!Number.isInteger(layer) || layer < 0 || layer > numLayers) {
    throw new Error(
      `${where}: layer must be an integer in [0, ${numLayers}] (0 = embeddings), got ${String(layer)}`,
    );
  }
  const mask = seq.attentionMask ? Array.from(seq.attentionMask, Number) : new Array<number>(L).fill(1);
  const positions = options.positions ? [...options.positions] : mask.flatMap((m, i) => (m !== 0 ? [i] : []));
  if (positions.length === 0) throw new Error(`${where}: no output positions (every token is padding)`);
  for (const t of positions) {
    if (!Number.isInteger(t) || t < 0 || t >= L)
      throw new Error(`${where}: position ${t} is outside [0, ${L})`);
  }
  const requested = options.method ?? 'auto';
  if (!['auto', 'exact', 'projection'].includes(requested)) {
    throw new Error(
      `${where}: method must be 'auto' | 'exact' | 'projection', got ${JSON.stringify(requested)}`,
    );
  }
  const method: 'exact' | 'projection' =
    requested === 'auto' ? (H <= 64 ? 'exact' : 'projection') : requested;
  const probes = method === 'exact' ? H : (options.numProjections ?? 32);
  if (!Number.isInteger(probes) || probes < 1) {
    throw new Error(
      `${where}: numProjections must be an integer >= 1, got ${String(options.numProjections)}`,
    );
  }
  const chunk = options.chunkSize ?? 64;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new Error(`${where}: chunkSize must be an integer >= 1, got ${chunk}`);

  return { L, H, layer, mask, positions, method, probes, chunk };
}

/** Probe rows: (position index p, probe vector v [H]) — basis vectors (exact) or seeded Gaussian ones. */
function probeRows(c: SensitivitySettings, seed: number): { rowsP: number[]; rowsV: Float32Array[] } {
  const { positions, probes, method, H } = c;
  const rng = createRng(seed);
  const rowsP: number[] = [];
  const rowsV: Float32Array[] = [];
  for (let p = 0; p < positions.length; p++) {
    for (let k = 0; k < probes; k++) {
      const v = new Float32Array(H);
      if (method === 'exact') v[k] = 1;
      else for (let h = 0; h < H; h++) v[h] = rng.normal();
      rowsP.push(p);
      rowsV.push(v);
    }
  }
  return { rowsP, rowsV };
}

/** Σ over probe rows of ‖v_rᵀ J_{t_r, s}‖², by (position index, s): [P, L], in chunks of `chunk` rows. */
function squaredNorms(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  seq: SequenceInput,
  c: SensitivitySettings,
  rowsP: number[],
  rowsV: Float32Array[],
): Float64Array {
  const { L, H, positions, mask, layer, chunk } = c;
  const sq = new Float64Array(positions.length * L); // [P, L] accumulated squared norms
  const e = inputEmbeddings(model, seq); // [1, L, H]
  const maskT = tf.tensor2d(mask, [1, L], 'float32'); // [1, L]
  try {
    for (let r0 = 0; r0 < rowsP.length; r0 += chunk) {
      const r1 = Math.min(rowsP.length, r0 + chunk);
      const B = r1 - r0;
      const sel = new Float32Array(B * L * H); // [B, L, H]: v_r at (r, t_r), zero elsewhere
      for (let r = r0; r < r1; r++) sel.set(rowsV[r]!, ((r - r0) * L + positions[rowsP[r]!]!) * H);
      const norms = tf.tidy(() => {
        const selT = tf.tensor3d(sel, [B, L, H]); // [B, L, H]
        const eB = tf.tile(e, [B, 1, 1]) as tf.Tensor3D; // [B, L, H]
        const mB = tf.tile(maskT, [B, 1]) as tf.Tensor2D; // [B, L]
        const f = (x: tf.Tensor) =>
          tf.sum(tf.mul(hiddenFromEmbeddings(model, x as tf.Tensor3D, mB, layer), selT)); // []
        const g = tf.grad(f)(eB); // [B, L, H]: row r = v_rᵀ J_{t_r, ·}
        return tf.sum(tf.square(g), 2); // [B, L]
      });
      const nv = norms.dataSync();
      norms.dispose();
      for (let r = r0; r < r1; r++) {
        const p = rowsP[r]!;
        for (let s = 0; s < L; s++) sq[p * L + s]! += nv[(r - r0) * L + s]!;
      }
    }
  } finally {
    e.dispose();
    maskT.dispose();
  }
  return sq;
}

/** S = sqrt(mean squared norm) and its row-normalised version (rows sum to 1). */
function normalise(
  sq: Float64Array,
  c: SensitivitySettings,
): { raw: Float64Array; normalized: Float64Array } {
  const { positions, L, method, probes } = c;
  const raw = new Float64Array(positions.length * L); // [P, L]
  const normalized = new Float64Array(positions.length * L); // [P, L]
  const scale = method === 'exact' ? 1 : 1 / probes;
  for (let p = 0; p < positions.length; p++) {
    let sum = 0;
    for (let s = 0; s < L; s++) {
      const v = Math.sqrt(sq[p * L + s]! * scale);
      raw[p * L + s] = v;
      sum += v;
    }
    for (let s = 0; s < L; s++) normalized[p * L + s] = sum > 0 ? raw[p * L + s]! / sum : 0;
  }
  return { raw, normalized };
}

/**
 * Gradient-based position-to-position sensitivity S[t, s] = ‖∂h_t^(layer) / ∂e_s‖_F (the Frobenius norm of the
 * H×H Jacobian block of the hidden state at position t with respect to the input embedding at position s), for BiGS and
 * attention models alike, plus its row-normalised version.
 *
 * Computed with `tf.grad` of Σ_r v_rᵀ h_{t_r} over a batch of copies of the sequence: one backward pass gives
 * v_rᵀ J_{t_r, s} for every s and many (t_r, v_r) rows at once. With basis probes (exact) Σ over probes of the squared
 * norms is ‖J_{t,s}‖_F²; with Gaussian probes their mean estimates it.
 *
 * @example
 * const s = sensitivityMap(model, { inputIds: [2, 7, 9, 3], attentionMask: [1, 1, 1, 1] }, { layer: 2 });
 * s.normalized; // Float64Array [4 * 4], rows sum to 1
 */
export function sensitivityMap(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  seq: SequenceInput,
  options: SensitivityOptions = {},
): SensitivityMap {
  const c = checkSensitivityOptions(model, seq, options);
  const { rowsP, rowsV } = probeRows(c, options.seed ?? 0);
  const sq = squaredNorms(model, seq, c, rowsP, rowsV);
  const { raw, normalized } = normalise(sq, c);
  const { positions, L, layer, method, probes } = c;
  return { positions, length: L, layer, method, probes, raw, normalized };
}

/**
 * Share of each row's normalised sensitivity that falls on padding positions (mask 0), averaged over rows. Zero for
 * attention models (padded keys are masked out); positive for BiGS, whose SSMs read padding like any token.
 */
export function paddingShare(map: SensitivityMap, attentionMask: ArrayLike<number>): number {
  let total = 0;
  for (let p = 0; p < map.positions.length; p++) {
    for (let s = 0; s < map.length; s++)
      if (attentionMask[s] === 0) total += map.normalized[p * map.length + s]!;
  }
  return total / map.positions.length;
}

/**
 * Summary of a map: mean |t − s| under each row's normalised sensitivity (how far a position looks on average), and
 * the mass on s < t, s = t, s > t.
 */
export function sensitivityStats(map: SensitivityMap): {
  meanDistance: number;
  left: number;
  self: number;
  right: number;
} {
  let dist = 0;
  let left = 0;
  let self = 0;
  let right = 0;
  const L = map.length;
  map.positions.forEach((t, p) => {
    for (let s = 0; s < L; s++) {
      const w = map.normalized[p * L + s]!;
      dist += w * Math.abs(t - s);
      if (s < t) left += w;
      else if (s === t) self += w;
      else right += w;
    }
  });
  const n = map.positions.length;
  return { meanDistance: dist / n, left: left / n, self: self / n, right: right / n };
}
