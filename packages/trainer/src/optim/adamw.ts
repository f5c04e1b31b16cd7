import type { Module, Parameter } from '@bigs/gated-blocks';
import type { HostTensor } from '@bigs/models';
import { adamwUpdate } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { type ParamGroupConfig, type ResolvedParam, resolveParamGroups } from './param-groups.js';

/** AdamW hyper-parameters plus parameter-group config. */
export interface AdamWConfig extends Partial<ParamGroupConfig> {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999 (optax/PyTorch default; BiGS pretraining uses 0.98, see {@link PRETRAIN_ADAMW}). */
  beta2?: number;
  /** Added to √v̂ (outside the root, as optax `eps` and PyTorch). Default 1e-6. */
  epsilon?: number;
}

/** Official BiGS pretraining optimizer (`pretrain.py`, docs/guide/architecture.md#pretraining-recipe): β=(0.9, 0.98), ε=1e-6, weight decay 0.05. */
export const PRETRAIN_ADAMW = { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 } as const;
/** Official BiGS GLUE optimizer (`run_glue.py`, docs/guide/architecture.md#finetuning-recipe): β=(0.9, 0.999), ε=1e-6, weight decay 0.01. */
export const FINETUNE_ADAMW = { beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01 } as const;

/** Serializable optimizer state: the update count and the moments per trainable parameter. */
export interface AdamWState {
  /** Number of updates applied so far (bias correction uses step + 1 for the next update). */
  step: number;
  /** `<param>.exp_avg` (m) and `<param>.exp_avg_sq` (v) for every non-frozen parameter. */
  tensors: Record<string, HostTensor>;
}

interface Slot extends ResolvedParam {
  m: tf.Variable | null; // same shape as the parameter; null when frozen
  v: tf.Variable | null;
}

/**
 * AdamW with decoupled weight decay, bias correction and parameter groups (optax `adamw` / PyTorch `AdamW`):
 *
 * m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ),
 * p ← p − lr·s·(m̂/(√v̂ + ε) + wd·p)
 *
 * with `s` the parameter's learning-rate multiplier and `wd` its decay (0 where the mask says no decay).
 * Frozen parameters are skipped (optax `set_to_zero`). Each parameter's update is one `adamwUpdate` of
 * `@bigs/ssm-kernels`: on a backend with the fused `BigsAdamW` kernel (`native`) a single pass that updates
 * parameter and moments in place in their stored arrays; elsewhere composite ops assigning new tensors in one
 * `tf.tidy` per parameter, so the peak extra memory is one parameter's temporaries.
 *
 * @example
 * const opt = new AdamW(model, { ...PRETRAIN_ADAMW });
 * const { grads } = tf.variableGrads(() => loss(), opt.trainableVariables()); // grads keyed by variable name
 * opt.applyGradients(opt.gradsByParamName(grads), 6e-4); // parameters updated in place
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly slots: Slot[];
  private readonly byName = new Map<string, Slot>();
  private readonly byVariable = new Map<string, Slot>();
  private updates = 0;

  constructor(params: Module | Array<[string, Parameter]>, config: AdamWConfig = {}) {
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-6;
    for (const [k, x, lo, hi] of [
      ['beta1', this.beta1, 0, 1],
      ['beta2', this.beta2, 0, 1],
      ['epsilon', this.epsilon, 0, Number.POSITIVE_INFINITY],
    ] as const) {
      if (!(x >= lo && x < hi)) throw new Error(`AdamW: ${k} must be in [${lo}, ${hi}), got ${x}`);
    }
    const list = Array.isArray(params) ? params : params.namedParameters();
    const resolved = resolveParamGroups(list, { ...config, weightDecay: config.weightDecay ?? 0 });
    this.slots = resolved.map((r) => {
      const v = r.param.variable;
      const slot: Slot = {
        ...r,
        m: r.frozen ? null : zerosVariable(v), // [same as param]
        v: r.frozen ? null : zerosVariable(v), // [same as param]
      };
      this.byName.set(r.name, slot);
      this.byVariable.set(v.name, slot);
      return slot;
    });
  }

  /** Number of updates applied so far. */
  get step(): number {
    return this.updates;
  }

  /** The resolved per-parameter settings (name, group, lrScale, weightDecay, frozen). */
  paramSettings(): ReadonlyArray<Readonly<ResolvedParam>> {
    return this.slots.map(({ m: _m, v: _v, ...r }) => r);
  }

  /** Variables that receive updates (frozen ones excluded): the var list for `tf.variableGrads`. */
  trainableVariables(): tf.Variable[] {
    return this.slots.filter((s) => !s.frozen).map((s) => s.param.variable);
  }

  /** Dotted names of the trainable parameters, aligned with {@link trainableVariables}. */
  trainableNames(): string[] {
    return this.slots.filter((s) => !s.frozen).map((s) => s.name);
  }

  /** Re-key a `tf.variableGrads` result (keyed by tf variable name) by dotted parameter name. */
  gradsByParamName(grads: tf.NamedTensorMap): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [varName, g] of Object.entries(grads)) {
      const slot = this.byVariable.get(varName);
      if (!slot)
        throw new Error(`AdamW.gradsByParamName: variable '${varName}' is not managed by this optimizer`);
      out[slot.name] = g;
    }
    return out;
  }

  /**
   * Apply one update with base learning rate `learningRate` (multiplied per parameter by its lrScale).
   * `grads` maps dotted parameter names to gradients of the parameter's shape; every trainable parameter
   * needs one. The gradients are not disposed (the caller owns them). `gradScale` (default 1) multiplies every
   * gradient first (global-norm clipping, `clipCoefficient`), inside the update.
   */
  applyGradients(grads: Record<string, tf.Tensor>, learningRate: number, gradScale = 1): void {
    if (!Number.isFinite(learningRate)) {
      throw new Error(`AdamW.applyGradients: learningRate must be finite, got ${learningRate}`);
    }
    if (!(Number.isFinite(gradScale) && gradScale > 0)) {
      throw new Error(`AdamW.applyGradients: gradScale must be finite and > 0, got ${gradScale}`);
    }
    for (const name of Object.keys(grads)) {
      const s = this.byName.get(name);
      if (!s) throw new Error(`AdamW.applyGradients: unknown parameter '${name}'`);
      if (s.frozen) throw new Error(`AdamW.applyGradients: parameter '${name}' is frozen but got a gradient`);
    }
    const t = this.updates + 1;
    const { beta1, beta2, epsilon } = this;
    for (const s of this.slots) {
      if (s.frozen || !s.m || !s.v) continue;
      const g = grads[s.name];
      if (!g) throw new Error(`AdamW.applyGradients: missing gradient for trainable parameter '${s.name}'`);
      const p = s.param.variable;
      if (!tf.util.arraysEqual(g.shape, p.shape)) {
        throw new Error(
          `AdamW.applyGradients: gradient of '${s.name}' has shape [${g.shape}], expected [${p.shape}]`,
        );
      }
      adamwUpdate(p, g, s.m, s.v, {
        lr: learningRate * s.lrScale,
        beta1,
        beta2,
        eps: epsilon,
        weightDecay: s.weightDecay,
        step: t,
        gradScale,
      });
    }
    this.updates = t;
  }

  /** Copy the state to host memory (for a checkpoint). */
  async getState(): Promise<AdamWState> {
    const tensors: Record<string, HostTensor> = {};
    for (const s of this.slots) {
      if (!s.m || !s.v) continue;
      tensors[`${s.name}.exp_avg`] = await toHost(s.m);
      tensors[`${s.name}.exp_avg_sq`] = await toHost(s.v);
    }
    return { step: this.updates, tensors };
  }

  /** Restore a state from {@link getState}; names and shapes must match exactly (no missing or extra moments). */
  setState(state: AdamWState): void {
    if (!(Number.isInteger(state.step) && state.step >= 0)) {
      throw new Error(`AdamW.setState: step must be an integer >= 0, got ${state.step}`);
    }
    const expected = new Set<string>();
    for (const s of this.slots) {
      if (!s.m || !s.v) continue;
      for (const [suffix, variable] of [
        ['exp_avg', s.m],
        ['exp_avg_sq', s.v],
      ] as const) {
        const key = `${s.name}.${suffix}`;
        expected.add(key);
        const h = state.tensors[key];
        if (!h) throw new Error(`AdamW.setState: missing '${key}' in the optimizer state`);
        if (!tf.util.arraysEqual(h.shape, variable.shape)) {
          throw new Error(`AdamW.setState: '${key}' has shape [${h.shape}], expected [${variable.shape}]`);
        }
      }
    }
    const extra = Object.keys(state.tensors).filter((k) => !expected.has(k));
    if (extra.length > 0) {
      throw new Error(
        `AdamW.setState: unexpected tensors in the optimizer state (frozen or unknown parameters?): ${extra.slice(0, 5).join(', ')}`,
      );
    }
    for (const s of this.slots) {
      if (!s.m || !s.v) continue;
      const m = state.tensors[`${s.name}.exp_avg`]!;
      const v = state.tensors[`${s.name}.exp_avg_sq`]!;
      tf.tidy(() => {
        s.m!.assign(tf.tensor(m.data, m.shape, 'float32'));
        s.v!.assign(tf.tensor(v.data, v.shape, 'float32'));
      });
    }
    this.updates = state.step;
  }

  /** Dispose the moment variables (not the parameters). */
  dispose(): void {
    for (const s of this.slots) {
      s.m?.dispose();
      s.v?.dispose();
    }
  }
}

/** A non-trainable variable of zeros shaped like `like`; the init tensor is released. */
function zerosVariable(like: tf.Tensor): tf.Variable {
  const z = tf.zeros(like.shape, 'float32'); // [same as like]
  const variable = tf.variable(z, false);
  z.dispose();
  return variable;
}

async function toHost(v: tf.Tensor): Promise<HostTensor> {
  const data = (await v.data()) as Float32Array;
  return { shape: [...v.shape], data: Float32Array.from(data) };
}
