import { type GlueTask, glueLabelNames } from '@bigs/data';

/** Every task `--task` accepts (besides `all`). */
/** `embedded`: the SpamAssassin spam / ham task shipped with @bigs/data (the default); `wordnet`: its WordNet pair task. */
export type TaskName = Exclude<GlueTask, 'ax'> | 'embedded' | 'wordnet' | 'scrolls';

/** The GLUE tasks `--task all` runs, in the order they run (MNLI first: RTE, MRPC and STS-B start from it). */
export const GLUE_SUITE: readonly Exclude<GlueTask, 'ax'>[] = [
  'mnli',
  'cola',
  'sst2',
  'qqp',
  'qnli',
  'wnli',
  'mrpc',
  'stsb',
  'rte',
];

/** Tasks finetuned from the MNLI-finetuned model in the official protocol (docs/guide/architecture.md#finetuning-recipe). */
export const FROM_MNLI: readonly TaskName[] = ['mrpc', 'stsb', 'rte'];

export const TASK_NAMES: readonly TaskName[] = [...GLUE_SUITE, 'embedded', 'wordnet', 'scrolls'];

/** The tasks whose data ships with @bigs/data (`--data-dir` optional). */
export const EMBEDDED_TASK_NAMES: readonly TaskName[] = ['embedded', 'wordnet'];

/** One evaluation split of a task and the suffix its metrics get (HF run_glue: MNLI mismatched → `_mm`). */
export interface EvalSplit {
  split: string;
  suffix: string;
}

/** One test split and the GLUE submission file its predictions go to. */
export interface TestSplit {
  split: string;
  file: string;
}

/** What the app needs to know about a task. */
export interface TaskSpec {
  name: TaskName;
  /** Label names (index = label id), `null` for regression (STS-B). Scrolls: filled from the training outputs. */
  labelNames: string[] | null;
  /** Metric names reported (HF `glue` metric names). */
  metrics: string[];
  evalSplits: EvalSplit[];
  testSplits: TestSplit[];
  /** GLUE submission writes label names (true) or label ids (false); STS-B writes floats. */
  submissionNames: boolean;
}

const GLUE_FILES: Record<Exclude<GlueTask, 'ax'>, string> = {
  cola: 'CoLA.tsv',
  sst2: 'SST-2.tsv',
  mrpc: 'MRPC.tsv',
  qqp: 'QQP.tsv',
  stsb: 'STS-B.tsv',
  mnli: 'MNLI-m.tsv',
  qnli: 'QNLI.tsv',
  rte: 'RTE.tsv',
  wnli: 'WNLI.tsv',
};

/** Submission file of the GLUE diagnostic (predicted with the MNLI model). */
export const AX_FILE = 'AX.tsv';

/** The metrics of a task (HF `glue` names): CoLA MCC; MRPC/QQP accuracy + F1; STS-B Pearson + Spearman; else accuracy. */
export function taskMetrics(task: TaskName): string[] {
  switch (task) {
    case 'cola':
      return ['matthews_correlation'];
    case 'mrpc':
    case 'qqp':
    case 'embedded':
    case 'wordnet':
      return ['accuracy', 'f1'];
    case 'stsb':
      return ['pearson', 'spearmanr'];
    default:
      return ['accuracy'];
  }
}

/**
 * The spec of a task. `scrollsLabels` gives the scrolls label set (from the training outputs).
 *
 * @example
 * taskSpec('mnli').evalSplits; // [{ split: 'dev_matched', suffix: '' }, { split: 'dev_mismatched', suffix: '_mm' }]
 */
export function taskSpec(task: TaskName, scrollsLabels: string[] = []): TaskSpec {
  const metrics = taskMetrics(task);
  if (task === 'embedded' || task === 'wordnet') {
    return {
      name: task,
      labelNames: ['0', '1'],
      metrics,
      evalSplits: [{ split: 'dev', suffix: '' }],
      testSplits: [],
      submissionNames: false,
    };
  }
  if (task === 'scrolls') {
    return {
      name: task,
      labelNames: scrollsLabels,
      metrics,
      evalSplits: [{ split: 'validation', suffix: '' }],
      testSplits: [{ split: 'test', file: 'scrolls_predictions.json' }],
      submissionNames: true,
    };
  }
  if (task === 'mnli') {
    return {
      name: task,
      labelNames: glueLabelNames('mnli'),
      metrics,
      evalSplits: [
        { split: 'dev_matched', suffix: '' },
        { split: 'dev_mismatched', suffix: '_mm' },
      ],
      testSplits: [
        { split: 'test_matched', file: 'MNLI-m.tsv' },
        { split: 'test_mismatched', file: 'MNLI-mm.tsv' },
      ],
      submissionNames: true,
    };
  }
  return {
    name: task,
    labelNames: glueLabelNames(task),
    metrics,
    evalSplits: [{ split: 'dev', suffix: '' }],
    testSplits: [{ split: 'test', file: GLUE_FILES[task] }],
    // GLUE expects names for the NLI tasks (QNLI, RTE); 0/1 for CoLA, SST-2, MRPC, QQP and WNLI.
    submissionNames: task === 'qnli' || task === 'rte',
  };
}

/** Parse a `--task` value. */
export function parseTaskName(value: string): TaskName | 'all' {
  const v = value.toLowerCase().replace(/-/g, '');
  const alias: Record<string, TaskName> = { sst: 'sst2', sts: 'stsb', spam: 'embedded' };
  const name = (alias[v] ?? v) as TaskName | 'all';
  if (name === 'all' || TASK_NAMES.includes(name as TaskName)) return name;
  const listed = [
    'cola',
    'sst2',
    'mrpc',
    'qqp',
    'stsb',
    'mnli',
    'qnli',
    'rte',
    'wnli',
    'all',
    'embedded',
    'wordnet',
    'scrolls',
  ];
  throw new Error(`--task must be one of ${listed.join(' | ')}, got '${value}'`);
}
