import { Dense, LayerNorm, type Module, S4DLayer } from '@bigs/gated-blocks';
import type { BiGSConfig } from '../config/config.js';
import type { BiGSPreTrainedModel } from '../model/bigs-model.js';
import { Embedding } from '../model/modules.js';

/** Checkpoint naming conventions: `torch` = the PyTorch port's state_dict (safetensors), `flax` = Flax params tree. */
export type NameFormat = 'torch' | 'flax';

/** One row of the name table: our variable, its name in each format, and the layout transform. */
export interface NameMapEntry {
  /** Our dotted parameter name (`namedParameters()`). */
  param: string;
  /** Name in a torch state_dict / safetensors file (e.g. `bigs.encoder.layer.0.dv.weight`). */
  torch: string;
  /** Path in a Flax params tree, `/`-joined (e.g. `s4_bert/encoder/layer/0/dv/kernel`). */
  flax: string;
  /** Torch stores Linear weights as [out, in] = our [in, out] kernel transposed. Flax needs no transform. */
  transposeTorch: boolean;
  /** Our shape. */
  shape: number[];
  /** Whether the tensor belongs to the embeddings/encoder (required in any checkpoint) or to a head/pooler. */
  backbone: boolean;
}

/** Torch / Flax prefix of the backbone in head models. */
export function backbonePrefix(config: BiGSConfig, format: NameFormat): string {
  if (config.modelType === 'bert') return 'bert';
  return format === 'torch' ? 'bigs' : 's4_bert';
}

/** HF BERT layer names for the STACK + attention block (module path inside one layer). */
const BERT_LAYER_RENAMES: Record<string, string> = {
  attention_norm: 'attention.output.LayerNorm',
  'routing.query': 'attention.self.query',
  'routing.key': 'attention.self.key',
  'routing.value': 'attention.self.value',
  'routing.output': 'attention.output.dense',
  intermediate: 'intermediate.dense',
  output: 'output.dense',
  ffn_norm: 'output.LayerNorm',
};

/** Every parameter with the module instance that owns it and that module's dotted path. */
function ownedParams(root: Module): Array<{ name: string; owner: Module; modulePath: string; leaf: string }> {
  const out: Array<{ name: string; owner: Module; modulePath: string; leaf: string }> = [];
  const walk = (m: Module, path: string) => {
    for (const [n] of m.namedParameters()) {
      // Own parameters have plain names; children's carry a dotted prefix.
      if (!n.includes('.'))
        out.push({ name: path ? `${path}.${n}` : n, owner: m, modulePath: path, leaf: n });
    }
    for (const [n, c] of m.children()) walk(c, path ? `${path}.${n}` : n);
  };
  walk(root, '');
  return out;
}

/** Rename the module path inside an encoder layer for the given architecture (torch, dotted). */
function renameLayerPath(config: BiGSConfig, inner: string): string {
  if (config.blockArchitecture === 'gated' && config.routing === 'bissm') {
    // The official layer holds du_*, duc_*, fs4, bs4 directly: drop our `routing` level.
    return inner === 'routing' ? '' : inner.startsWith('routing.') ? inner.slice('routing.'.length) : inner;
  }
  if (config.blockArchitecture === 'stack' && config.routing === 'attention') {
    return BERT_LAYER_RENAMES[inner] ?? inner;
  }
  return inner; // the off-diagonal cells of the 2×2 have no official code: our own module names
}

/**
 * Build the explicit name table of a model from its config and module tree: every parameter → its torch-port
 * name, its Flax path and the layout transform. Names for the bare model have no `bigs.` / `s4_bert/` prefix
 * (HF convention for base models).
 *
 * @example
 * buildNameMap(new BiGSForMaskedLM(createConfig(TINY))).find((e) => e.param.endsWith('layer.0.dv.kernel'));
 * // { torch: 'bigs.encoder.layer.0.dv.weight', flax: 's4_bert/encoder/layer/0/dv/kernel', transposeTorch: true, … }
 */
export function buildNameMap(model: BiGSPreTrainedModel): NameMapEntry[] {
  const config = model.config;
  const isBase = model.backbone === model;
  const entries: NameMapEntry[] = [];
  const params = model.parameterMap();
  for (const { name, owner, modulePath, leaf } of ownedParams(model)) {
    const shape = params.get(name)!.variable.shape.slice();
    // Module path relative to the backbone, and the prefix in each format.
    let rel = modulePath;
    let inBackbone = isBase;
    if (!isBase && (modulePath === 'bigs' || modulePath.startsWith('bigs.'))) {
      rel = modulePath.slice('bigs'.length).replace(/^\./, '');
      inBackbone = true;
    }
    // Layer-internal renames.
    const m = /^encoder\.layer\.(\d+)(?:\.(.*))?$/.exec(rel);
    if (inBackbone && m) {
      const inner = renameLayerPath(config, m[2] ?? '');
      rel = `encoder.layer.${m[1]}${inner ? `.${inner}` : ''}`;
    }
    // Leaf names by owner type.
    let torchLeaf = leaf;
    let flaxLeaf = leaf;
    let transposeTorch = false;
    if (owner instanceof Dense && leaf === 'kernel') {
      torchLeaf = 'weight';
      transposeTorch = true;
    } else if (owner instanceof LayerNorm && leaf === 'weight') {
      flaxLeaf = 'scale';
    } else if (owner instanceof Embedding && leaf === 'weight') {
      flaxLeaf = 'embedding';
    } else if (owner instanceof S4DLayer && leaf !== 'D') {
      torchLeaf = `kernel.${leaf}`; // torch: S4dLayer.kernel (S4DKernel) holds A_re, A_im, C, log_step; D is direct
    }
    const join = (parts: string[], sep: string) => parts.filter((p) => p.length > 0).join(sep);
    const torchPrefix = inBackbone && !isBase ? backbonePrefix(config, 'torch') : '';
    const flaxPrefix = inBackbone && !isBase ? backbonePrefix(config, 'flax') : '';
    const relFlax = rel.replace(/\./g, '/');
    entries.push({
      param: name,
      torch: join([torchPrefix, rel, torchLeaf], '.'),
      flax: join([flaxPrefix, relFlax, flaxLeaf], '/'),
      transposeTorch,
      shape,
      backbone: inBackbone && (rel.startsWith('embeddings') || rel.startsWith('encoder')),
    });
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.torch)) throw new Error(`buildNameMap: two parameters map to '${e.torch}'`);
    seen.add(e.torch);
  }
  return entries;
}
