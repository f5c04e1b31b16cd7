import { join } from 'node:path';
import { type BertTokenizer, loadModelTokenizer } from '@bigs/data';
import { type AnyBiGSModel, fromPretrained, writeFileAtomic } from '@bigs/models';
import { extractKernels, type KernelExtraction } from '../kernels/extract.js';
import { kernelStats } from '../kernels/interaction.js';
import { interactionMapPlots, kernelHeatmaps, kernelLinePlots } from '../kernels/plots.js';
import { readConllu } from '../probing/conllu.js';
import { probingPlot } from '../probing/plots.js';
import { type ProbeModelOptions, type ProbingReport, probeModel } from '../probing/probing.js';
import { sensitivityPlot } from '../sensitivity/plots.js';
import {
  paddingShare,
  type SensitivityMethod,
  sensitivityMap,
  sensitivityStats,
} from '../sensitivity/sensitivity.js';
import { shellJoin, textExcerpt } from '../util/shell.js';
import type { ReportBlock, ReportDocument, ReportSection } from './document.js';
import { renderHtml, renderMarkdown } from './document.js';

/** The sentence analysed when none is given. */
export const DEFAULT_TEXT =
  'The old sailor told the children a long story about the sea before the storm came .';

/** Longest text the report quotes in full; a longer one is shown as an excerpt and saved whole as {@link TEXT_FILE}. */
export const TEXT_EXCERPT_CHARS = 200;

/** File (in `outDir`) holding the whole analysed text when it is longer than {@link TEXT_EXCERPT_CHARS}. */
export const TEXT_FILE = 'text.txt';

/** Options of {@link analyzeModel}. */
export interface AnalyzeOptions {
  /** A directory written by `savePretrained` (config.json + model.safetensors) or an official Flax checkpoint dir. */
  modelDir: string;
  /** Where the plots and the report go (created). */
  outDir: string;
  /**
   * Sentence for the sensitivity maps (default {@link DEFAULT_TEXT}). Must not be empty. Tokens beyond
   * max_position_embeddings (including `[CLS]` and `[SEP]`) are cut, with a warning ({@link onWarning}).
   */
  text?: string;
  /** CoNLL-U file for probing (probing is skipped without it). */
  conllu?: string;
  /** Blocks (0-based) whose static interaction maps are drawn; default first, middle and last. */
  layers?: readonly number[];
  /** Kernel length L (default max_position_embeddings). */
  length?: number;
  /** Size of the static interaction maps (default min(length, 48)). */
  interactionLength?: number;
  /** Hidden state for the sensitivity map (0 = embeddings; default the last). */
  sensitivityLayer?: number;
  sensitivityMethod?: SensitivityMethod;
  numProjections?: number;
  /** Tokenizer dir/file; default the model dir's tokenizer.json / vocab.txt, else the embedded tokenizer. */
  tokenizer?: string;
  /** Probing options (layers, pooling, …). */
  probe?: Omit<ProbeModelOptions, 'onProgress'>;
  /** Progress messages (one line each). */
  onProgress?: (message: string) => void;
  /** Warnings (e.g. the text was truncated), one line each. Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * The command (argv, unquoted) that reproduces this analysis; the report's "Reproduce" section shows it quoted
   * for a POSIX shell, so pasting it runs exactly these arguments.
   */
  command?: readonly string[];
  /** A ready command line shown verbatim in the "Reproduce" section (prefer {@link command}, which is quoted). */
  commandLine?: string;
}

/** The analysed text, as the report and `analysis.json` describe it. */
export interface AnalyzedText {
  /** Length in UTF-16 units. */
  characters: number;
  /** Word-piece tokens of the text (without `[CLS]`/`[SEP]`). */
  tokens: number;
  /** Tokens analysed: all of them unless the text was cut to max_position_embeddings. */
  keptTokens: number;
  truncated: boolean;
  /** The text when at most {@link TEXT_EXCERPT_CHARS} long, else its start followed by `…`. */
  excerpt: string;
  /** {@link TEXT_FILE} when the whole text was saved next to the report (it is longer than the excerpt). */
  file: string | null;
}

/** What {@link analyzeModel} wrote and measured. */
export interface AnalysisResult {
  outDir: string;
  /** Files written (relative to outDir). */
  files: string[];
  kernels: KernelExtraction;
  sensitivity: {
    text: AnalyzedText;
    layer: number;
    method: string;
    probes: number;
    tokens: string[];
    stats: ReturnType<typeof sensitivityStats>;
    paddingShare: number;
  };
  probing: ProbingReport | null;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
const g3 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : 'n/a');

async function resolveTokenizer(
  options: AnalyzeOptions,
  vocabSize: number,
): Promise<{ tok: BertTokenizer; source: string }> {
  const { tokenizer, source } = await loadModelTokenizer(options.modelDir, {
    ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
    vocabSize,
    fallback: 'embedded',
    hint: "pass the model's tokenizer (--tokenizer DIR) or save it into the model dir",
  });
  return { tok: tokenizer, source };
}

function describeModel(model: AnyBiGSModel, weightsPath: string): ReportSection {
  const c = model.config;
  const kind =
    c.routing === 'bissm' && c.blockArchitecture === 'gated'
      ? 'BiGS (GATED + bidirectional SSM)'
      : c.routing === 'attention' && c.blockArchitecture === 'stack'
        ? 'BERT baseline (STACK + attention)'
        : `${c.blockArchitecture.toUpperCase()} + ${c.routing}`;
  return {
    title: 'Model',
    blocks: [
      { kind: 'p', text: `**${kind}**, weights \`${weightsPath}\`.` },
      {
        kind: 'table',
        header: ['field', 'value'],
        rows: [
          ['architecture / routing', `${c.blockArchitecture} / ${c.routing}`],
          ['layers', String(c.numHiddenLayers)],
          ['hidden size H / intermediate I', `${c.hiddenSize} / ${c.intermediateSize}`],
          ['SSM modes N', c.routing === 'bissm' ? String(c.numSsm) : '—'],
          ['attention heads', c.routing === 'attention' ? String(c.numAttentionHeads) : '—'],
          ['max positions P', String(c.maxPositionEmbeddings)],
          ['semantics / kernel length', `${c.semantics} / ${c.kernelLength}`],
          ['parameters', model.numParameters().toLocaleString('en-US')],
        ],
      },
    ],
  };
}

/**
 * The whole analysis of one saved model: SSM kernels (line plots per layer, layer × distance heat maps, static
 * interaction maps), a gradient sensitivity map for a sentence, and (with a CoNLL-U file) linear probes by layer.
 * Writes SVGs, `report.md`, a self-contained `report.html` and `analysis.json` into `outDir`, each atomically.
 * Works for BiGS and for attention models (the kernel sections then say "no SSM kernels: attention routing").
 *
 * @example
 * const r = await analyzeModel({ modelDir: 'runs/bigs', outDir: 'runs/bigs/analysis', conllu: 'dev.conllu' });
 * r.files; // ['kernels-lines.svg', 'kernels-heatmap.svg', …, 'report.md', 'report.html', 'analysis.json']
 */
export async function analyzeModel(options: AnalyzeOptions): Promise<AnalysisResult> {
  const log = options.onProgress ?? (() => {});
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const text = options.text ?? DEFAULT_TEXT;
  if (text.trim() === '') {
    throw new Error(
      'text is empty: give a sentence to analyse, or leave the text out for the default sentence',
    );
  }
  // Read the treebank before any work, so that a bad file fails at once, alone.
  const sents = options.conllu ? await readConllu(options.conllu) : null;
  const { model, weightsPath } = await fromPretrained(options.modelDir, { logger: () => {} });
  try {
    const c = model.config;
    const P = c.maxPositionEmbeddings;
    const length = options.length ?? P;
    if (!Number.isInteger(length) || length < 1)
      throw new Error(`length must be an integer >= 1, got ${length}`);
    const numLayers = c.numHiddenLayers;
    const written = new Map<string, string>();
    const sections: ReportSection[] = [describeModel(model, weightsPath)];

    // 1. kernels
    log('kernels');
    const kernels = extractKernels(model, { length });
    const kBlocks: ReportBlock[] = [];
    const iBlocks: ReportBlock[] = [];
    if (kernels.kind === 'none') {
      kBlocks.push({
        kind: 'p',
        text: `**${kernels.reason}.** This model mixes tokens with ${kernels.routing} routing, whose token-to-token weights are computed from the input (softmax(q·kᵀ)), so there is no fixed kernel to show. See the sensitivity maps below.`,
      });
      iBlocks.push({ kind: 'p', text: `**${kernels.reason}**: no static interaction maps.` });
    } else {
      const lines = kernelLinePlots(kernels);
      const heat = kernelHeatmaps(kernels);
      written.set('kernels-lines.svg', lines);
      written.set('kernels-heatmap.svg', heat);
      kBlocks.push({
        kind: 'p',
        text:
          'Each BiGS block has two S4D kernels, one per direction, each shared by all H channels: K[d] = Re Σ_n C_n (e^{ΔA_n} − 1)/A_n · e^{dΔA_n}. ' +
          'The forward kernel K_f weights the token d positions to the left, the backward kernel K_b the token d positions to the right. ' +
          'These weights are **static**: learned once, the same for every input sentence. Smooth, slowly decaying kernels mix over long ranges; kernels concentrated near d = 0 act locally.',
      });
      kBlocks.push({
        kind: 'figure',
        file: 'kernels-lines.svg',
        svg: lines,
        caption: 'Kernel value against distance, per layer (forward solid, backward dashed).',
      });
      kBlocks.push({
        kind: 'figure',
        file: 'kernels-heatmap.svg',
        svg: heat,
        caption: 'All layers as a heat map, layer × distance (blue negative, red positive, white 0).',
      });
      kBlocks.push({
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
      });
      kBlocks.push({
        kind: 'p',
        text: 'reach50 / reach90: the distance by which the cumulative |K| reaches 50 % / 90 % of its total over the kernel length.',
      });
      const iLen = Math.min(options.interactionLength ?? Math.min(length, 48), length);
      const pick = options.layers ?? [...new Set([0, Math.floor((numLayers - 1) / 2), numLayers - 1])];
      iBlocks.push({
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
        iBlocks.push({
          kind: 'figure',
          file,
          svg,
          caption: `Layer ${l}: forward, backward and combined static interaction maps.`,
        });
      }
    }
    sections.push({ title: 'SSM kernels', blocks: kBlocks });
    sections.push({ title: 'Static token-to-token interactions', blocks: iBlocks });

    // 2. sensitivity
    log('sensitivity');
    const { tok, source } = await resolveTokenizer(options, c.vocabSize);
    const excerpt = textExcerpt(text, TEXT_EXCERPT_CHARS);
    const numTextTokens = tok.encodeSequence(text).ids.length;
    if (numTextTokens === 0) {
      throw new Error(
        `text ${JSON.stringify(textExcerpt(text, 40))} has no tokens after tokenization (tokenizer: ${source})`,
      );
    }
    const keptTokens = Math.min(numTextTokens, P - 2);
    const input: AnalyzedText = {
      characters: text.length,
      tokens: numTextTokens,
      keptTokens,
      truncated: keptTokens < numTextTokens,
      excerpt,
      file: excerpt === text ? null : TEXT_FILE,
    };
    if (input.truncated) {
      warn(
        `${options.text === undefined ? 'default sentence' : 'text'} truncated: kept the first ${keptTokens} of ${numTextTokens} tokens ` +
          `(the model takes ${P} positions, max_position_embeddings, including [CLS] and [SEP])`,
      );
    }
    if (input.file) written.set(input.file, text);
    const padFlax = c.kernelLength === 'max_position';
    const enc = tok.encode(text, null, {
      maxLength: P,
      truncation: 'longest_first',
      padding: padFlax ? 'max_length' : false,
      returnTokens: true,
    });
    const tokens = enc.tokens ?? tok.convertIdsToTokens(enc.inputIds);
    const sLayer = options.sensitivityLayer ?? numLayers;
    const map = sensitivityMap(
      model,
      { inputIds: enc.inputIds, attentionMask: enc.attentionMask, tokenTypeIds: enc.tokenTypeIds },
      {
        layer: sLayer,
        ...(options.sensitivityMethod ? { method: options.sensitivityMethod } : {}),
        ...(options.numProjections ? { numProjections: options.numProjections } : {}),
      },
    );
    const real = Array.from(enc.attentionMask).flatMap((m, i) => (m ? [i] : []));
    const stats = sensitivityStats(map);
    const padShare = paddingShare(map, enc.attentionMask);
    const sSvg = sensitivityPlot(map, {
      title: `Sensitivity ‖∂h_t/∂e_s‖, hidden state ${sLayer}${sLayer === numLayers ? ' (last)' : ''}`,
      tokens,
      columns: real,
    });
    written.set('sensitivity.svg', sSvg);
    const isSsm = c.routing === 'bissm';
    sections.push({
      title: 'Input-dependent interactions (gradient sensitivity)',
      blocks: [
        {
          kind: 'p',
          text:
            `For the text below (${input.characters} characters, ${input.tokens} tokens` +
            (input.truncated
              ? `; **truncated**: only the first ${input.keptTokens} of ${input.tokens} tokens were analysed, the model takes ${P} positions including [CLS] and [SEP]`
              : '') +
            (input.file
              ? `; the first ${TEXT_EXCERPT_CHARS} characters are shown, the whole text is in \`${input.file}\``
              : '') +
            `; tokenizer: ${source}), S[t, s] = ‖∂h_t/∂e_s‖_F is the norm of the Jacobian block of the hidden state at position t ` +
            `(hidden state ${sLayer}; 0 = embeddings) with respect to the input embedding at position s (the embedding LayerNorm output), normalised so each row sums to 1. ` +
            (map.method === 'exact'
              ? `Computed exactly with tf.grad (H = ${c.hiddenSize} basis probes per position).`
              : `Estimated with ${map.probes} Gaussian random projections per position (E‖vᵀJ‖² = ‖J‖_F²; relative error of a squared entry ≈ √(2/${map.probes})).`),
        },
        { kind: 'code', text: input.excerpt },
        {
          kind: 'p',
          text: isSsm
            ? 'BiGS mixes tokens only through its static kernels, but the gates (multiplicative, position-wise) and the GELUs make the actual sensitivity depend on the input: compare this map with the Toeplitz maps above. ' +
              'The SSMs ignore the attention mask, so padding is read like any token.'
            : 'Attention computes its token-to-token weights from the input, so this map changes with the sentence; padded positions are masked out and get zero sensitivity.',
        },
        {
          kind: 'figure',
          file: 'sensitivity.svg',
          svg: sSvg,
          caption:
            'Row-normalised sensitivity map over the real tokens (rows: output position, columns: input position).',
        },
        {
          kind: 'table',
          header: [
            'mean |t − s|',
            'mass s < t',
            'mass s = t',
            'mass s > t',
            'mass on padding',
            'tokens',
            'padded length',
          ],
          rows: [
            [
              f3(stats.meanDistance),
              f3(stats.left),
              f3(stats.self),
              f3(stats.right),
              f3(padShare),
              String(real.length),
              String(enc.inputIds.length),
            ],
          ],
        },
      ],
    });

    // 3. probing
    let probing: ProbingReport | null = null;
    if (options.conllu && sents) {
      log('probing');
      probing = await probeModel(model, tok, sents, {
        ...options.probe,
        source: options.conllu,
        onProgress: log,
      });
      const pSvg = probingPlot(probing);
      written.set('probing.svg', pSvg);
      const layersP = probing.tasks[0]?.layers.map((l) => l.layer) ?? [];
      sections.push({
        title: 'Linear probing',
        blocks: [
          {
            kind: 'p',
            text:
              `A linear softmax probe (L2, Adam, features standardised) is trained per layer on frozen word vectors (${probing.pooling} sub-token) of \`${options.conllu}\`: ` +
              `${probing.numSentences} sentences, ${probing.numWords} words, split by sentence into ${probing.numTrainSentences} train / ${probing.numDevSentences} dev. ` +
              'Tasks: UPOS tag and tree depth (HEAD steps to the root). Accuracy well above the majority baseline means the information is linearly readable at that layer.',
          },
          {
            kind: 'figure',
            file: 'probing.svg',
            svg: pSvg,
            caption: 'Dev accuracy by layer (dashed: majority-class baseline).',
          },
          {
            kind: 'table',
            header: ['layer', ...probing.tasks.flatMap((t) => [`${t.task} dev`, `${t.task} train`])],
            rows: [
              ...layersP.map((l, i) => [
                l === 0 ? '0 (emb)' : String(l),
                ...probing!.tasks.flatMap((t) => [
                  f3(t.layers[i]!.devAccuracy),
                  f3(t.layers[i]!.trainAccuracy),
                ]),
              ]),
              [
                'majority',
                ...probing.tasks.flatMap((t) => [f3(t.majority.devAccuracy), `(${t.majority.label})`]),
              ],
            ],
          },
          ...probing.notes.map((n) => ({ kind: 'p' as const, text: `Note: ${n}.` })),
        ],
      });
    } else {
      sections.push({
        title: 'Linear probing',
        blocks: [{ kind: 'p', text: 'Not run: pass a CoNLL-U file (`--conllu FILE`).' }],
      });
    }
    const reproduce = options.command ? shellJoin(options.command) : options.commandLine;
    if (reproduce) sections.push({ title: 'Reproduce', blocks: [{ kind: 'code', text: reproduce }] });

    const doc: ReportDocument = { title: `Analysis of ${options.modelDir}`, sections };
    const result: AnalysisResult = {
      outDir: options.outDir,
      files: [],
      kernels,
      sensitivity: {
        text: input,
        layer: sLayer,
        method: map.method,
        probes: map.probes,
        tokens,
        stats,
        paddingShare: padShare,
      },
      probing,
    };
    written.set('report.md', renderMarkdown(doc));
    written.set('report.html', renderHtml(doc));
    written.set(
      'analysis.json',
      `${JSON.stringify(jsonSummary(result, map.normalized, map.positions), null, 2)}\n`,
    );
    for (const [file, content] of written) {
      await writeFileAtomic(join(options.outDir, file), content);
      result.files.push(file);
    }
    return result;
  } finally {
    model.dispose();
  }
}

function jsonSummary(r: AnalysisResult, normalized: Float64Array, positions: number[]) {
  return {
    kernels:
      r.kernels.kind === 'none'
        ? { kind: 'none', reason: r.kernels.reason }
        : {
            kind: 'ssm',
            length: r.kernels.length,
            layers: r.kernels.layers.map((l) => ({
              layer: l.layer,
              forward: Array.from(l.forward),
              backward: Array.from(l.backward),
              dForward: l.dForward,
              dBackward: l.dBackward,
              stepForward: l.stepForward,
              stepBackward: l.stepBackward,
            })),
          },
    sensitivity: { ...r.sensitivity, positions, normalized: Array.from(normalized) },
    probing: r.probing,
  };
}
