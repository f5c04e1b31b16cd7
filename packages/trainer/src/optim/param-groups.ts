import type { Parameter } from '@bigs/gated-blocks';

/** Per-group overrides, addressed by `ParamMeta.group` name (config) or by a parameter-name pattern. */
export interface GroupOverride {
  /** Multiplier on the scheduled learning rate (replaces `meta.lrScale`). */
  lrScale?: number;
  /** Weight-decay coefficient for this group (replaces the optimizer's; 0 turns decay off). */
  weightDecay?: number;
  /** Frozen: the parameters get zero updates, no gradients are computed for them and no moments are stored. */
  freeze?: boolean;
}

/** Optimizer-level grouping config. */
export interface ParamGroupConfig {
  /** Default decoupled weight-decay coefficient, applied where `meta.weightDecay` is true. */
  weightDecay: number;
  /** Overrides by `ParamMeta.group` name, e.g. `{ ssm: { lrScale: 0.1 } }`. */
  groups?: Record<string, GroupOverride>;
  /** Group names to freeze (shorthand for `groups[name].freeze = true`), e.g. `['ssm']` for "freeze kernel". */
  freeze?: string[];
  /** Overrides by dotted parameter name (RegExp tested against the name); applied after `groups`, in order. */
  overrides?: Array<GroupOverride & { match: RegExp }>;
}

/** The resolved optimizer settings of one parameter. */
export interface ResolvedParam {
  name: string;
  param: Parameter;
  /** Effective learning-rate multiplier. */
  lrScale: number;
  /** Effective decoupled weight-decay coefficient (0 = none). */
  weightDecay: number;
  frozen: boolean;
  /** Group name (meta.group, or 'default'). */
  group: string;
}

/**
 * Resolve every parameter's learning-rate multiplier, weight decay and frozen flag.
 *
 * Order: `ParamMeta` (decay mask, `lrScale`) → `groups[meta.group]` → `freeze` list → `overrides` by name.
 * The default mask follows the official code: decay everything whose meta says `weightDecay: true`
 * (the models mark biases and LayerNorm scales `false`; SSM parameters and embeddings are decayed).
 *
 * @example
 * resolveParamGroups(model.namedParameters(), { weightDecay: 0.05, freeze: ['ssm'] });
 * // [{ name: 'encoder.layer.0.fs4.A_re', frozen: true, ... }, ...]
 */
export function resolveParamGroups(
  params: Array<[string, Parameter]>,
  config: ParamGroupConfig,
): ResolvedParam[] {
  const { weightDecay } = config;
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new Error(`AdamW: weightDecay must be a finite number >= 0, got ${weightDecay}`);
  }
  const groups = config.groups ?? {};
  const freeze = new Set(config.freeze ?? []);
  const known = new Set(params.map(([, p]) => p.meta.group ?? 'default'));
  for (const g of [...Object.keys(groups), ...freeze]) {
    if (!known.has(g)) {
      throw new Error(
        `AdamW: group '${g}' is configured but no parameter declares it (known groups: ${[...known].join(', ')})`,
      );
    }
  }
  const seen = new Set<string>();
  return params.map(([name, param]) => {
    if (seen.has(name)) throw new Error(`AdamW: duplicate parameter name '${name}'`);
    seen.add(name);
    const group = param.meta.group ?? 'default';
    const r: ResolvedParam = {
      name,
      param,
      lrScale: param.meta.lrScale ?? 1,
      weightDecay: param.meta.weightDecay ? weightDecay : 0,
      frozen: false,
      group,
    };
    applyOverride(r, groups[group]);
    if (freeze.has(group)) r.frozen = true;
    for (const o of config.overrides ?? []) if (o.match.test(name)) applyOverride(r, o);
    if (!(Number.isFinite(r.lrScale) && r.lrScale >= 0)) {
      throw new Error(`AdamW: lrScale of '${name}' must be a finite number >= 0, got ${r.lrScale}`);
    }
    return r;
  });
}

function applyOverride(r: ResolvedParam, o: GroupOverride | undefined): void {
  if (!o) return;
  if (o.lrScale !== undefined) r.lrScale = o.lrScale;
  if (o.weightDecay !== undefined) r.weightDecay = o.weightDecay;
  if (o.freeze !== undefined) r.frozen = o.freeze;
}
