/** GLUE task names (HF `glue` config names). */
export type GlueTask = 'cola' | 'sst2' | 'mrpc' | 'qqp' | 'stsb' | 'mnli' | 'qnli' | 'rte' | 'wnli' | 'ax';

/** Split names accepted by the readers (`dev` = HF `validation`). */
export type GlueSplit =
  | 'train'
  | 'dev'
  | 'test'
  | 'dev_matched'
  | 'dev_mismatched'
  | 'test_matched'
  | 'test_mismatched';

/** How one task is laid out in the GLUE download and in the HF parquet export. */
export interface GlueTaskSpec {
  task: GlueTask;
  /** Folder in the GLUE download (`CoLA`, `SST-2`, …; `diagnostic` for AX). */
  dir: string;
  /** Splits this task has. */
  splits: GlueSplit[];
  /** TSV header column of text A / text B (`null`: single sentence). */
  tsvTextA: string;
  tsvTextB: string | null;
  /** TSV header column of the label (absent in test files). */
  tsvLabel: string | null;
  /** HF parquet column names of text A / text B. */
  hfTextA: string;
  hfTextB: string | null;
  /** Label names in HF `glue` order (index = label id); `null` for STS-B (float score, regression). */
  labelNames: string[] | null;
}

const MNLI_LABELS = ['entailment', 'neutral', 'contradiction'];
const STD = ['train', 'dev', 'test'] as GlueSplit[];

/** Every GLUE task with its file layout and label order (HF `glue` label ids). */
export const GLUE_TASKS: Record<GlueTask, GlueTaskSpec> = {
  cola: {
    task: 'cola',
    dir: 'CoLA',
    splits: STD,
    tsvTextA: 'sentence',
    tsvTextB: null,
    tsvLabel: 'label', // train/dev have no header: [source, label, original mark, sentence]
    hfTextA: 'sentence',
    hfTextB: null,
    labelNames: ['unacceptable', 'acceptable'],
  },
  sst2: {
    task: 'sst2',
    dir: 'SST-2',
    splits: STD,
    tsvTextA: 'sentence',
    tsvTextB: null,
    tsvLabel: 'label',
    hfTextA: 'sentence',
    hfTextB: null,
    labelNames: ['negative', 'positive'],
  },
  mrpc: {
    task: 'mrpc',
    dir: 'MRPC',
    splits: STD,
    tsvTextA: '#1 String',
    tsvTextB: '#2 String',
    tsvLabel: 'Quality',
    hfTextA: 'sentence1',
    hfTextB: 'sentence2',
    labelNames: ['not_equivalent', 'equivalent'],
  },
  qqp: {
    task: 'qqp',
    dir: 'QQP',
    splits: STD,
    tsvTextA: 'question1',
    tsvTextB: 'question2',
    tsvLabel: 'is_duplicate',
    hfTextA: 'question1',
    hfTextB: 'question2',
    labelNames: ['not_duplicate', 'duplicate'],
  },
  stsb: {
    task: 'stsb',
    dir: 'STS-B',
    splits: STD,
    tsvTextA: 'sentence1',
    tsvTextB: 'sentence2',
    tsvLabel: 'score',
    hfTextA: 'sentence1',
    hfTextB: 'sentence2',
    labelNames: null,
  },
  mnli: {
    task: 'mnli',
    dir: 'MNLI',
    splits: ['train', 'dev_matched', 'dev_mismatched', 'test_matched', 'test_mismatched'],
    tsvTextA: 'sentence1',
    tsvTextB: 'sentence2',
    tsvLabel: 'gold_label',
    hfTextA: 'premise',
    hfTextB: 'hypothesis',
    labelNames: MNLI_LABELS,
  },
  qnli: {
    task: 'qnli',
    dir: 'QNLI',
    splits: STD,
    tsvTextA: 'question',
    tsvTextB: 'sentence',
    tsvLabel: 'label',
    hfTextA: 'question',
    hfTextB: 'sentence',
    labelNames: ['entailment', 'not_entailment'],
  },
  rte: {
    task: 'rte',
    dir: 'RTE',
    splits: STD,
    tsvTextA: 'sentence1',
    tsvTextB: 'sentence2',
    tsvLabel: 'label',
    hfTextA: 'sentence1',
    hfTextB: 'sentence2',
    labelNames: ['entailment', 'not_entailment'],
  },
  wnli: {
    task: 'wnli',
    dir: 'WNLI',
    splits: STD,
    tsvTextA: 'sentence1',
    tsvTextB: 'sentence2',
    tsvLabel: 'label',
    hfTextA: 'sentence1',
    hfTextB: 'sentence2',
    labelNames: ['not_entailment', 'entailment'],
  },
  ax: {
    task: 'ax',
    dir: 'diagnostic',
    splits: ['test'],
    tsvTextA: 'sentence1',
    tsvTextB: 'sentence2',
    tsvLabel: 'label',
    hfTextA: 'premise',
    hfTextB: 'hypothesis',
    labelNames: MNLI_LABELS,
  },
};

/** All task names, in GLUE order. */
export const GLUE_TASK_NAMES = Object.keys(GLUE_TASKS) as GlueTask[];

/** Look up a task spec; unknown names are an error listing the valid ones. */
export function glueTask(name: string): GlueTaskSpec {
  const spec = (GLUE_TASKS as Record<string, GlueTaskSpec | undefined>)[name.toLowerCase()];
  if (!spec) throw new Error(`unknown GLUE task "${name}" (expected one of ${GLUE_TASK_NAMES.join(', ')})`);
  return spec;
}

/**
 * Label names of a task in HF `glue` order (index = label id), or `null` for STS-B (float scores).
 * @example
 * glueLabelNames('mnli'); // ['entailment', 'neutral', 'contradiction']
 */
export function glueLabelNames(task: GlueTask): string[] | null {
  return GLUE_TASKS[task].labelNames;
}

/** Number of model outputs: label count, or 1 for STS-B regression. */
export function glueNumLabels(task: GlueTask): number {
  return GLUE_TASKS[task].labelNames?.length ?? 1;
}

/** The split name used by the HF parquet export (`dev` → `validation`, `dev_matched` → `validation_matched`). */
export function hfSplitName(split: GlueSplit): string {
  return split.replace(/^dev/, 'validation');
}
