import type { KernelExtraction } from '../kernels/extract.js';
import { kernelStats } from '../kernels/interaction.js';
import { interactionMapPlots, kernelHeatmaps, kernelLinePlots } from '../kernels/plots.js';
import type { ReportBlock, ReportSection } from './document.js';

/** Files an analysis writes, by name (relative to its output dir). */
export type Written = Map<string, string>;

type SsmKernels = Extract<KernelExtraction, { kind: 'ssm' }>;

/** Which interaction maps to draw. */
export interface InteractionOptions {
  /** Blocks (0-based) whose maps are drawn; default first, middle and last. */
  layers?: readonly number[] | undefined;
  /** Size of the maps (default min(length, 48)). */
  interactionLength?: number | undefined;
  /** Kernel length L. */
  length: number;
  numLayers: number;
}

export const g3 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : 'n/a');

/** Per layer: steps Δ, skip terms D and reach of both kernels. */
function kernelTable(kernels: SsmKernels): ReportBlock {
  return {
    kind: 'table',
    header: ['layer', 'Δ_f', 'Δ_b', 'D_f', 'D_b', 'reach50 f/b', 'reach90 f/b', 'peak d f/b'],
    rows: kernels.layers.map((l) => {
      const sf = kernelStats(l.forward);
      const sb = kernelStats(l.backward);
      return [
        String(l.layer),
        g3(l.stepForward),
        g3(l.stepBackward),
        g3(l.dForward),
        g3(l.dBackward),
        `${sf.reach50} / ${sb.reach50}`,
        `${sf.reach90} / ${sb.reach90}`,
        `${sf.peakDistance} / ${sb.peakDistance}`,
      ];
    }),
  };
}

/** The kernel plots (written into `written`), their explanation and the table. */
function kernelBlocks(kernels: SsmKernels, written: Written): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const lines = kernelLinePlots(kernels);
  const heat = kernelHeatmaps(kernels);
  written.set('kernels-lines.svg', lines);
  written.set('kernels-heatmap.svg', heat);
  blocks.push({
    kind: 'p',
    text:
      'Each BiGS block has two S4D kernels, one per direction, each shared by all H channels: K[d] = Re Σ_n C_n (e^{ΔA_n} − 1)/A_n · e^{dΔA_n}. ' +
      'The forward kernel K_f weights the token d positions to the left, the backward kernel K_b the token d positions to the right. ' +
      'These weights are **static**: learned once, the same for every input sentence. Smooth, slowly decaying kernels mix over long ranges; kernels concentrated near d = 0 act locally.',
  });
  blocks.push({
    kind: 'figure',
    file: 'kernels-lines.svg',
    svg: lines,
    caption: 'Kernel value against distance, per layer (forward solid, backward dashed).',
  });
  blocks.push({
    kind: 'figure',
    file: 'kernels-heatmap.svg',
    svg: heat,
    caption: 'All layers as a heat map, layer × distance (blue negative, red positive, white 0).',
  });
  blocks.push(kernelTable(kernels));
  blocks.push({
    kind: 'p',
    text: 'reach50 / reach90: the distance by which the cumulative |K| reaches 50 % / 90 % of its total over the kernel length.',
  });
  return blocks;
}

/** The static token-to-token maps of the chosen layers (written into `written`) and their explanation. */
function interactionBlocks(kernels: SsmKernels, o: InteractionOptions, written: Written): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const iLen = Math.min(o.interactionLength ?? Math.min(o.length, 48), o.length);
  const pick = o.layers ?? [...new Set([0, Math.floor((o.numLayers - 1) / 2), o.numLayers - 1])];
  blocks.push({
    kind: 'p',
    text:
      `The kernels imply fixed token-to-token maps (shown for L = ${iLen}): the forward map M_f[t, s] = K_f[t − s] for s ≤ t (lower triangular), ` +
      'the backward map M_b[t, s] = K_b[s − t] for s ≥ t (upper triangular), with K[0] + D on the diagonal. Each is Toeplitz: every row is the same kernel shifted, ' +
      'so position t reads its neighbours the same way whatever the sentence. y_f = M_f·u and y_b = M_b·u are exactly the two convolutions of a block, per channel, before the ' +
      'position-wise projections; the block multiplies the two directions element-wise afterwards, so the "combined" map (their sum) shows the reach of the layer, not an operator of it.',
  });
  for (const l of pick) {
    const svg = interactionMapPlots(kernels, l, iLen);
    const file = `interaction-layer${l}.svg`;
    written.set(file, svg);
    blocks.push({
      kind: 'figure',
      file,
      svg,
      caption: `Layer ${l}: forward, backward and combined static interaction maps.`,
    });
  }
  return blocks;
}

/**
 * The report's "SSM kernels" and "Static token-to-token interactions" sections; the SVGs go into `written`.
 * An attention model gets the reason it has no kernels.
 */
export function kernelSections(
  kernels: KernelExtraction,
  o: InteractionOptions,
  written: Written,
): ReportSection[] {
  if (kernels.kind === 'none') {
    const kernelText = `**${kernels.reason}.** This model mixes tokens with ${kernels.routing} routing, whose token-to-token weights are computed from the input (softmax(q·kᵀ)), so there is no fixed kernel to show. See the sensitivity maps below.`;
    return [
      { title: 'SSM kernels', blocks: [{ kind: 'p', text: kernelText }] },
      {
        title: 'Static token-to-token interactions',
        blocks: [{ kind: 'p', text: `**${kernels.reason}**: no static interaction maps.` }],
      },
    ];
  }
  return [
    { title: 'SSM kernels', blocks: kernelBlocks(kernels, written) },
    { title: 'Static token-to-token interactions', blocks: interactionBlocks(kernels, o, written) },
  ];
}
