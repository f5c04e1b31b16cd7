import { BiSSMRouting, type S4DLayer } from '@bigs/gated-blocks';
import type { AnyBiGSModel, BiGSPreTrainedModel } from '@bigs/models';
import { type BiGSSSMHostParams, bigsKernelF64, bigsParamsToHost } from '@bigs/ssm-kernels';

/** The two SSM kernels of one block, as the model computes them. */
export interface LayerKernels {
  /** Block index (0-based; hidden state `layer + 1`). */
  layer: number;
  /** K_f [L]: the forward (causal) kernel, K_f[d] = weight of position t−d on position t. */
  forward: Float64Array;
  /** K_b [L]: the backward (anticausal) kernel, K_b[d] = weight of position t+d on position t. */
  backward: Float64Array;
  /** Scalar skips D_f, D_b (added to K[0] on the diagonal). */
  dForward: number;
  dBackward: number;
  /** Step sizes Δ = exp(log_step). */
  stepForward: number;
  stepBackward: number;
  /** The parameters the kernels were computed from (host copies). */
  params: { forward: BiGSSSMHostParams; backward: BiGSSSMHostParams };
}

/** Result of {@link extractKernels}: the kernels of every requested layer, or why there are none. */
export type KernelExtraction =
  | { kind: 'ssm'; length: number; precision: 'float32' | 'float64'; layers: LayerKernels[] }
  | { kind: 'none'; reason: string; routing: string };

/** Options of {@link extractKernels}. */
export interface ExtractKernelsOptions {
  /** Kernel length L (default `max_position_embeddings`, the length the Flax model uses). */
  length?: number;
  /** Block indices (0-based; default all). */
  layers?: readonly number[];
  /**
   * `float32` (default): `S4DLayer.kernel(L)`, i.e. `bigsKernel` of `@bigs/ssm-kernels` on the backend, exactly what the
   * forward pass convolves with. `float64`: `bigsKernelF64` on the same parameters (the plain-TS reference).
   */
  precision?: 'float32' | 'float64';
}

/** The message kernel sections show for models without SSM routing. */
export const NO_SSM_KERNELS = 'no SSM kernels: attention routing';

/** The blocks of any model (bare or with a head). */
export function modelBlocks(model: BiGSPreTrainedModel | AnyBiGSModel) {
  return model.backbone.encoder.layer.items;
}

/** Checks block indices against the model depth; returns them sorted and unique (all when undefined). */
export function resolveLayers(where: string, numLayers: number, layers?: readonly number[]): number[] {
  if (layers === undefined) return Array.from({ length: numLayers }, (_, i) => i);
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= numLayers) {
      throw new Error(
        `${where}: layer ${String(l)} is out of range; the model has blocks 0..${numLayers - 1}`,
      );
    }
  }
  return [...new Set(layers)].sort((a, b) => a - b);
}

function s4dOf(routing: unknown): { fs4: S4DLayer; bs4: S4DLayer } | null {
  return routing instanceof BiSSMRouting ? { fs4: routing.fs4, bs4: routing.bs4 } : null;
}

function hostParams(s: S4DLayer): BiGSSSMHostParams {
  return bigsParamsToHost({ aRe: s.aRe, aIm: s.aIm, c: s.c, d: s.d, logStep: s.logStep });
}

function kernelOf(s: S4DLayer, host: BiGSSSMHostParams, length: number, precision: 'float32' | 'float64') {
  if (precision === 'float64') return bigsKernelF64(host, length); // [L]
  const k = s.kernel(length); // [L]
  try {
    return Float64Array.from(k.dataSync());
  } finally {
    k.dispose();
  }
}

/**
 * Extract the forward and backward SSM kernels K_f, K_b of every (requested) block, computed by the kernel function
 * from the block's own parameters at length L. Models whose routing is not `bissm` (BERT baseline, GATED/attention)
 * give `{ kind: 'none', reason: 'no SSM kernels: attention routing' }`.
 *
 * @example
 * const k = extractKernels(model, { length: 128 });
 * if (k.kind === 'ssm') k.layers[0].forward; // Float64Array [128]
 */
export function extractKernels(
  model: BiGSPreTrainedModel | AnyBiGSModel,
  options: ExtractKernelsOptions = {},
): KernelExtraction {
  const where = 'extractKernels';
  const config = model.config;
  const length = options.length ?? config.maxPositionEmbeddings;
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`${where}: length must be an integer >= 1, got ${String(length)}`);
  }
  const precision = options.precision ?? 'float32';
  if (precision !== 'float32' && precision !== 'float64') {
    throw new Error(`${where}: precision must be 'float32' | 'float64', got ${JSON.stringify(precision)}`);
  }
  const blocks = modelBlocks(model);
  const layers = resolveLayers(where, blocks.length, options.layers);
  if (blocks.length === 0 || !blocks.some((b) => s4dOf(b.routing) !== null)) {
    const routing = config.routing;
    return {
      kind: 'none',
      routing,
      reason: routing === 'attention' ? NO_SSM_KERNELS : `no SSM kernels: ${routing} routing`,
    };
  }
  const out: LayerKernels[] = [];
  for (const i of layers) {
    const s = s4dOf(blocks[i]!.routing);
    if (!s) continue;
    const hf = hostParams(s.fs4);
    const hb = hostParams(s.bs4);
    out.push({
      layer: i,
      forward: kernelOf(s.fs4, hf, length, precision),
      backward: kernelOf(s.bs4, hb, length, precision),
      dForward: hf.d.values[0]!,
      dBackward: hb.d.values[0]!,
      stepForward: Math.exp(hf.logStep.values[0]!),
      stepBackward: Math.exp(hb.logStep.values[0]!),
      params: { forward: hf, backward: hb },
    });
  }
  return { kind: 'ssm', length, precision, layers: out };
}
