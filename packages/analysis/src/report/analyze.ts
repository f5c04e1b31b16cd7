import { join } from 'node:path';
import { type BertTokenizer, loadModelTokenizer } from '@bigs/data';
import { type AnyBiGSModel, fromPretrained, writeFileAtomic } from '@bigs/models';
import { extractKernels, type KernelExtraction } from '../kernels/extract.js';
import { type ConlluSentence, readConllu } from '../probing/conllu.js';
import { type ProbeModelOptions, type ProbingReport, probeModel } from '../probing/probing.js';
import type { SensitivityMethod, sensitivityStats } from '../sensitivity/sensitivity.js';
import { shellJoin } from '../util/shell.js';
import type { ReportDocument, ReportSection } from './document.js';
import { renderHtml, renderMarkdown } from './document.js';
import { kernelSections, type Written } from './kernel-sections.js';
import { PROBING_NOT_RUN, probingSection } from './probing-section.js';
import {
  type AnalyzedText,
  describeText,
  measureSensitivity,
  sensitivitySection,
} from './sensitivity-section.js';

/** The sentence analysed when none is given. */
export const DEFAULT_TEXT =
  'The old sailor told the children a long story about the sea before the storm came .';

export { type AnalyzedText, TEXT_EXCERPT_CHARS, TEXT_FILE } from './sensitivity-section.js';

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
    const { sections, result, written, map } = await analyzeLoaded(model, weightsPath, options, text, sents);
    const doc: ReportDocument = { title: `Analysis of ${options.modelDir}`, sections };
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

/** The analysis of a loaded model: the report's sections, the result (files still empty) and the files. */
async function analyzeLoaded(
  model: AnyBiGSModel,
  weightsPath: string,
  options: AnalyzeOptions,
  text: string,
  sents: ConlluSentence[] | null,
) {
  const log = options.onProgress ?? (() => {});
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const c = model.config;
  const length = options.length ?? c.maxPositionEmbeddings;
  if (!Number.isInteger(length) || length < 1)
    throw new Error(`length must be an integer >= 1, got ${length}`);
  const numLayers = c.numHiddenLayers;
  const written: Written = new Map();
  const sections: ReportSection[] = [describeModel(model, weightsPath)];

  log('kernels');
  const kernels = extractKernels(model, { length });
  const interaction = {
    layers: options.layers,
    interactionLength: options.interactionLength,
    length,
    numLayers,
  };
  sections.push(...kernelSections(kernels, interaction, written));

  log('sensitivity');
  const { tok, source } = await resolveTokenizer(options, c.vocabSize);
  const input = describeText(text, tok, source, c.maxPositionEmbeddings, options.text === undefined, warn);
  if (input.file) written.set(input.file, text);
  const s = measureSensitivity(model, tok, text, { ...options, numLayers });
  sections.push(sensitivitySection(model, input, source, s, written));

  let probing: ProbingReport | null = null;
  if (options.conllu && sents) {
    log('probing');
    probing = await probeModel(model, tok, sents, {
      ...options.probe,
      source: options.conllu,
      onProgress: log,
    });
    sections.push(probingSection(probing, options.conllu, written));
  } else {
    sections.push(PROBING_NOT_RUN);
  }
  const reproduce = options.command ? shellJoin(options.command) : options.commandLine;
  if (reproduce) sections.push({ title: 'Reproduce', blocks: [{ kind: 'code', text: reproduce }] });

  const { map } = s;
  const sensitivity = {
    text: input,
    layer: s.layer,
    method: map.method,
    probes: map.probes,
    tokens: s.tokens,
    stats: s.stats,
    paddingShare: s.paddingShare,
  };
  const result: AnalysisResult = { outDir: options.outDir, files: [], kernels, sensitivity, probing };
  return { sections, result, written, map };
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
